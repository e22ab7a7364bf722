/**
 * The pipelines the simulator's built-in behaviour is designed around (see the README's "Pipelines and
 * lanes"). Tests, benchmarks and demos across the project run these rather than copies of their own.
 * Spread them to change a field (`{ ...ECHO_PIPELINE, project_id: 'p2' }`); do not mutate them.
 */

/**
 * The echo pipeline, exactly as the shared `echo.json`: a webhook source whose
 * `text` lane feeds a `response` node. Text uploads come back as `text: [...]`; anything else as an
 * object descriptor.
 */
export const ECHO_PIPELINE = {
  components: [
    {
      id: 'webhook_1',
      provider: 'webhook',
      name: 'My webhook',
      description: 'A webhook to receive data',
      config: { hideForm: true, mode: 'Source', type: 'webhook' },
    },
    { id: 'response_1', provider: 'response', config: { lanes: [] }, input: [{ lane: 'text', from: 'webhook_1' }] },
  ],
  source: 'webhook_1',
  project_id: 'e612b741-748c-4b35-a8b7-186797a8ea42',
};

/**
 * A chat pipeline: a `chat` source whose `questions` feed the simulator's echoing LLM (`llm_echo`),
 * whose `answers` feed a `response` node. `chat()` gets its question text back as the answer.
 */
export const CHAT_PIPELINE = {
  components: [
    { id: 'chat_1', provider: 'chat', config: { mode: 'Source', type: 'chat' } },
    { id: 'llm_1', provider: 'llm_echo', config: {}, input: [{ lane: 'questions', from: 'chat_1' }] },
    { id: 'response_1', provider: 'response', config: { lanes: [] }, input: [{ lane: 'answers', from: 'llm_1' }] },
  ],
  source: 'chat_1',
  project_id: '0b7f7f57-3f83-4f7a-9a57-6b1fb4a8c0de',
};
