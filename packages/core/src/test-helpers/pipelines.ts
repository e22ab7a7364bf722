/** The echo pipeline of PROTOCOL.md §12.3: webhook → response on the text lane. */
export const ECHO_PIPELINE = {
  components: [
    { id: 'webhook_1', provider: 'webhook', config: { mode: 'Source', type: 'webhook', hideForm: true } },
    { id: 'response_1', provider: 'response', config: { lanes: [] }, input: [{ lane: 'text', from: 'webhook_1' }] },
  ],
  source: 'webhook_1',
  project_id: 'e612b741-748c-4b35-a8b7-186797a8ea42',
};

/** A chat pipeline: chat source → an echoing LLM on `questions` → response on `answers`. */
export const CHAT_PIPELINE = {
  components: [
    { id: 'chat_1', provider: 'chat', config: { mode: 'Source' } },
    { id: 'llm_1', provider: 'llm_echo', config: {}, input: [{ lane: 'questions', from: 'chat_1' }] },
    { id: 'response_1', provider: 'response', config: { lanes: [] }, input: [{ lane: 'answers', from: 'llm_1' }] },
  ],
  source: 'chat_1',
  project_id: '0b7f7f57-3f83-4f7a-9a57-6b1fb4a8c0de',
};
