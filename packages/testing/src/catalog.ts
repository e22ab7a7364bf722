/** The engine version object (`GET /version`, `rrext_public_probe`). */
export const ENGINE_VERSION = Object.freeze({
  version: '1.1.0',
  build: 'simulator',
  commit: 'sim',
  name: 'RocketRide Engine Simulator',
});

type ServiceDefinition = Record<string, unknown>;

function service(title: string, classType: string[], lanes: Record<string, string[]>, extra: ServiceDefinition = {}) {
  return {
    title,
    protocol: `${title.toLowerCase().replace(/\s+/g, '_')}://`,
    prefix: title.toLowerCase().replace(/\s+/g, '_'),
    plans: ['free'],
    capabilities: [],
    classType,
    actions: [],
    description: `${title} (simulated)`,
    lanes,
    ...extra,
  };
}

/** The simulator's service catalog: enough for the built-in pipelines and for lookups. */
export const SERVICES: Readonly<Record<string, ServiceDefinition>> = Object.freeze({
  webhook: service('Webhook', ['source'], { _source: ['text', 'raw', 'documents', 'image', 'audio', 'video'] }),
  chat: service('Chat', ['source'], { _source: ['questions'] }),
  dropper: service('Dropper', ['source'], { _source: ['text', 'raw'] }),
  response: service('Response', ['infrastructure'], { text: [], answers: [], documents: [], questions: [], table: [] }),
  llm_echo: service('LLM Echo', ['llm'], { questions: ['answers'] }),
  // Real LLM providers answer like llm_echo here (no model is called).
  llm_openai: service('LLM OpenAI', ['llm'], { questions: ['answers'] }),
  llm_anthropic: service('LLM Anthropic', ['llm'], { questions: ['answers'] }),
  llm_gemini: service('LLM Gemini', ['llm'], { questions: ['answers'] }),
  llm_ollama: service('LLM Ollama', ['llm'], { questions: ['answers'] }),
  // Database nodes answer dialect/execute Questions (PROTOCOL.md §16.J) without a database.
  db_postgres: service('PostgreSQL', ['database'], { questions: ['answers', 'text', 'table'] }),
  db_mysql: service('MySQL', ['database'], { questions: ['answers', 'text', 'table'] }),
  db_neo4j: service('Neo4j', ['database'], { questions: ['answers', 'text', 'table'] }),
  parse: service('Parse', ['data'], { raw: ['text', 'table', 'image'] }),
  ocr: service('OCR', ['image'], { image: ['text'] }),
});

export const SERVICES_VERSION = 1;
