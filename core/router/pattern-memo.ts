import { RE2Set } from 're2js';
import { EpochMarks } from './epoch-marks.js';
import { compilePattern } from './pattern.js';

/** Every distinct pattern of a flow table (flow and agent patterns), numbered in order of first use. */
export class PatternTable {
  private readonly ids = new Map<string, number>();
  readonly sources: string[] = [];

  /** The pattern's number; validating it on first sight (throws AOF_ERR_PATTERN_INVALID). */
  intern(source: string): number {
    const known = this.ids.get(source);
    if (known !== undefined) return known;
    compilePattern(source);
    const id = this.sources.length;
    this.sources.push(source);
    this.ids.set(source, id);
    return id;
  }

  internAll(sources: readonly string[]): readonly number[] {
    return sources.map((source) => this.intern(source));
  }
}

/**
 * Patterns are matched in sets: one linear DFA pass over the text answers a whole chunk of
 * patterns, where testing them one by one costs a pass each. Chunks bound the DFA's states
 * (and its memory) when a flow table holds thousands of patterns.
 */
const CHUNK_SIZE = 64;
const CHUNK_DFA_BYTES = 1 << 20;

interface Chunk {
  readonly set: RE2Set;
  /** Id of the chunk's first pattern; the chunk holds consecutive ids. */
  readonly first: number;
}

/**
 * Pattern results for the message being routed, computed lazily a chunk at a time, so each
 * pattern runs at most once per message however many flows and agents share it. Same RE2
 * syntax and flags as compilePattern. Not reentrant; one per router.
 */
export class PatternMemo {
  private readonly chunks: Chunk[] = [];
  private readonly chunkOf: Uint32Array;
  private readonly evaluated: EpochMarks;
  private readonly matched: EpochMarks;
  private text = '';

  constructor(table: PatternTable) {
    const { sources } = table;
    this.chunkOf = new Uint32Array(sources.length);
    for (let first = 0; first < sources.length; first += CHUNK_SIZE) {
      this.addChunk(sources, first, Math.min(sources.length, first + CHUNK_SIZE));
    }
    this.evaluated = new EpochMarks(this.chunks.length);
    this.matched = new EpochMarks(sources.length);
  }

  begin(text: string): void {
    this.text = text;
    this.evaluated.clear();
    this.matched.clear();
  }

  test(id: number): boolean {
    const chunkId = this.chunkOf[id] as number;
    if (!this.evaluated.has(chunkId)) {
      this.evaluated.add(chunkId);
      const chunk = this.chunks[chunkId] as Chunk;
      for (const index of chunk.set.match(this.text)) this.matched.add(chunk.first + index);
    }
    return this.matched.has(id);
  }

  /** A pattern list matches when any of its patterns does. */
  testAny(ids: readonly number[]): boolean {
    for (let i = 0; i < ids.length; i++) {
      if (this.test(ids[i] as number)) return true;
    }
    return false;
  }

  /** Patterns that together exceed RE2's program size go one per set instead. */
  private addChunk(sources: readonly string[], first: number, end: number): void {
    const set = new RE2Set(RE2Set.UNANCHORED, 0, CHUNK_DFA_BYTES);
    try {
      for (let id = first; id < end; id++) set.add(sources[id] as string);
      set.compile();
    } catch (error) {
      if (end - first === 1) throw error;
      for (let id = first; id < end; id++) this.addChunk(sources, id, id + 1);
      return;
    }
    this.chunkOf.fill(this.chunks.length, first, end);
    this.chunks.push({ set, first });
  }
}
