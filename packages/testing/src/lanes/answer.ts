/**
 * The simulator's stand-in for an LLM: it answers each question text by echoing it. With `expectJson` the answer is
 * the question text parsed as JSON when it is JSON, otherwise `{answer: text}`.
 */
export function echoAnswers(question: Record<string, unknown>): unknown[] {
  const list = Array.isArray(question.questions) ? (question.questions as { text?: unknown }[]) : [];
  const texts = list.map((q) => (typeof q.text === 'string' ? q.text : ''));
  if (texts.length === 0) texts.push('');
  if (question.expectJson !== true) return texts;
  return texts.map((text) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return { answer: text };
    }
  });
}
