import { ValidationError } from '../errors/validation-error.js';
import type { PipelineResult } from '../schema/pipeline-result.js';
import { Question, type QuestionData } from '../schema/question.js';
import { requireObject, requireSignal, requireString } from '../config/checks.js';
import { dataHostOf, type PipeOwner } from './host.js';
import { checkDataPipeOptions, DataPipe, type DataPipeOptions, type SSECallback } from './data-pipe.js';

/** Options of `chat()`. */
export interface ChatOptions extends Pick<DataPipeOptions, 'writeTimeout' | 'closeTimeout'> {
  /** The chat task's token. */
  token: string;
  /** A Question, its JSON form, or just the question text. */
  question: Question | QuestionData | string;
  /** The chat pipe's SSE events (e.g. `thinking`) while the question runs. Default: none. */
  onSSE?: SSECallback;
  signal?: AbortSignal;
}

const encoder = new TextEncoder();
const QUESTION_MIME = 'application/rocketride-question';

/**
 * Asks a chat pipeline (PROTOCOL.md §5.6): open with provider `chat`, one write with the Question's
 * JSON, close. Resolves with the pipeline result, whose `answers` lane holds the answers (see
 * `Answer.fromResult`). Failures are PipeErrors (the official SDK turns them into plain Errors). Runs
 * on a {@link DataPipe}: a connection lost between the steps fails with `ERR_CONNECTION_LOST`.
 */
export async function chat(client: PipeOwner, options: ChatOptions): Promise<PipelineResult> {
  requireObject(options, 'options');
  requireString(options.token, 'token');
  const { question, signal } = options;
  requireSignal(signal, 'options.signal');
  checkDataPipeOptions({ onSSE: options.onSSE, writeTimeout: options.writeTimeout, closeTimeout: options.closeTimeout });
  let data: QuestionData;
  if (typeof question === 'string') {
    if (question.trim() === '') throw new ValidationError('Question cannot be empty', { code: 'ERR_INVALID_ARGUMENT' });
    data = new Question().addQuestion(question).toDict();
  } else if (question instanceof Question) {
    data = question.toDict();
  } else if (typeof question === 'object' && question !== null) {
    data = question;
  } else {
    throw new ValidationError('question must be a Question, its JSON, or a string', { code: 'ERR_INVALID_ARGUMENT' });
  }
  // A `dialect` Question asks the database node, not a text: it goes out without questions (PROTOCOL.md §16.J).
  if (!Array.isArray(data.questions) || (data.questions.length === 0 && data.type !== 'dialect')) {
    throw new ValidationError('Question cannot be empty', { code: 'ERR_INVALID_ARGUMENT' });
  }
  const payload = encoder.encode(JSON.stringify(data));
  const object = { name: `Question ${dataHostOf(client).nextChatNumber()}` };
  const pipeOptions: DataPipeOptions = { provider: 'chat' };
  if (options.onSSE !== undefined) pipeOptions.onSSE = options.onSSE;
  if (options.writeTimeout !== undefined) pipeOptions.writeTimeout = options.writeTimeout;
  if (options.closeTimeout !== undefined) pipeOptions.closeTimeout = options.closeTimeout;
  const pipe = await new DataPipe(client, options.token, object, QUESTION_MIME, pipeOptions).openOwned(signal);
  await pipe.write(payload, { signal });
  return pipe.finish({ signal });
}
