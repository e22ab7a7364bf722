/** Metadata of a document chunk. */
export interface DocMetadata {
  objectId: string;
  chunkId: number;
  [key: string]: unknown;
}

/** A document (chunk) as the engine's `documents` lane carries it. */
export interface Doc {
  type?: 'Document' | string;
  page_content: string;
  metadata: DocMetadata;
  score?: number;
  [key: string]: unknown;
}

/** Retrieval filter sent with a question; every field is optional on the server. */
export interface DocFilter {
  fullTables?: boolean;
  fullDocuments?: boolean;
  offset?: number;
  limit?: number;
  useQuickRank?: boolean;
  useGroupRank?: boolean;
  followUpQuestions?: number;
  context?: boolean;
  minChunkId?: number;
  maxChunkId?: number;
  nodeId?: string;
  parent?: string;
  name?: string;
  permissions?: unknown;
  isDeleted?: boolean;
  objectIds?: string[];
  chunkIds?: number[];
  isTable?: boolean;
  tableIds?: string[];
  [key: string]: unknown;
}

/** The filter the official SDK sends when none is given. */
export const DEFAULT_DOC_FILTER: Readonly<DocFilter> = Object.freeze({
  fullTables: false,
  fullDocuments: false,
  offset: 0,
  limit: 25,
  useQuickRank: false,
  useGroupRank: false,
  followUpQuestions: 5,
  context: false,
});
