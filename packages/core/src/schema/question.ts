import { DEFAULT_DOC_FILTER, type Doc, type DocFilter } from './doc.js';

/** How the engine treats a question. */
export type QuestionType = 'question' | 'semantic' | 'keyword' | 'get' | 'prompt' | 'execute' | 'dialect';

/** The JSON shape of a question on the wire. */
export interface QuestionData {
  type: QuestionType;
  filter: DocFilter;
  expectJson: boolean;
  role: string;
  instructions: Array<{ subtitle: string; instructions: string }>;
  history: Array<{ role: string; content: string }>;
  examples: Array<{ given: string; result: string }>;
  context: string[];
  goals: string[];
  documents: Doc[];
  questions: Array<{ text: string; [key: string]: unknown }>;
}

/** Initial values for a {@link Question}. */
export interface QuestionInit {
  /** Default `'question'`. */
  type?: QuestionType;
  /** Default: the SDK's filter (limit 25, 5 follow-up questions, nothing else). */
  filter?: DocFilter;
  /** Ask for JSON answers instead of text. Default false. */
  expectJson?: boolean;
  /** Default `''`. */
  role?: string;
}

/**
 * A question for a chat pipeline, built up with the same methods as the official SDK's `Question`.
 * `toDict()` (alias `toJSON()`) gives the JSON the engine expects.
 */
export class Question {
  readonly data: QuestionData;

  constructor(init: QuestionInit = {}) {
    this.data = {
      type: init.type ?? 'question',
      filter: { ...DEFAULT_DOC_FILTER, ...init.filter },
      expectJson: init.expectJson ?? false,
      role: init.role ?? '',
      instructions: [],
      history: [],
      examples: [],
      context: [],
      goals: [],
      documents: [],
      questions: [],
    };
  }

  /** Adds a question text. */
  addQuestion(text: string): this {
    this.data.questions.push({ text });
    return this;
  }
  addInstruction(subtitle: string, instructions: string): this {
    this.data.instructions.push({ subtitle, instructions });
    return this;
  }
  addExample(given: string, result: string): this {
    this.data.examples.push({ given, result });
    return this;
  }
  addContext(context: string | string[]): this {
    this.data.context.push(...(Array.isArray(context) ? context : [context]));
    return this;
  }
  addHistory(role: string, content: string): this {
    this.data.history.push({ role, content });
    return this;
  }
  addGoal(goal: string): this {
    this.data.goals.push(goal);
    return this;
  }
  addDocuments(docs: Doc | Doc[]): this {
    this.data.documents.push(...(Array.isArray(docs) ? docs : [docs]));
    return this;
  }
  /** The wire JSON object. */
  toDict(): QuestionData {
    return this.data;
  }
  toJSON(): QuestionData {
    return this.data;
  }
}

/**
 * The answers of a chat result (the `answers` lane): text or JSON values, one per answer.
 */
export class Answer {
  constructor(readonly answers: readonly unknown[]) {}

  /** Reads the `answers` lane of a pipeline result (empty when absent). */
  static fromResult(result: { answers?: unknown[] } | undefined): Answer {
    return new Answer(Array.isArray(result?.answers) ? result.answers : []);
  }
  /** The first answer as text (JSON values are serialised), or `''`. */
  getText(): string {
    const first = this.answers[0];
    if (first === undefined) return '';
    return typeof first === 'string' ? first : JSON.stringify(first);
  }
  /** The first answer as JSON: parsed when it is a string, as is otherwise. */
  getJson<T = unknown>(): T | undefined {
    const first = this.answers[0];
    if (typeof first !== 'string') return first as T | undefined;
    try {
      return JSON.parse(first) as T;
    } catch {
      return undefined;
    }
  }
}
