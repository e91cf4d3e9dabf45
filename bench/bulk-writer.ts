/**
 * Bulk rows into a libsql file for the bench: multi-row INSERTs with inline literals, many of
 * them per executeMultiple inside one transaction. Only the bench generator uses this; the
 * service writes through commit().
 *
 * Rows are keyed by the drizzle property names of db/schema.ts and mapped to SQL column names
 * here, so a renamed column breaks the typecheck, not the bench data.
 */
import type { Client } from '@libsql/client';
import { getTableColumns, getTableName, type Table } from 'drizzle-orm';

type Value = string | number | boolean | null | undefined;

function literal(v: Value): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`bulk-writer: non-finite number ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? '1' : '0';
  return `'${v.replace(/'/g, "''")}'`;
}

interface Buffer {
  head: string;
  props: string[];
  rows: string[];
}

export class BulkWriter {
  private readonly buffers = new Map<Table, Buffer>();
  private statements: string[] = [];
  private pendingRows = 0;
  readonly counts = new Map<string, number>();

  constructor(
    private readonly client: Client,
    private readonly rowsPerStatement = 400,
    private readonly rowsPerTransaction = 40_000,
  ) {}

  async add<T extends Table>(table: T, row: Partial<Record<keyof T['_']['columns'], Value>>): Promise<void> {
    const r = row as Record<string, Value>;
    let buf = this.buffers.get(table);
    if (!buf) {
      // The column list is fixed by the first row: every column it names, plus every column
      // without a default; a column with a default that the first row leaves out keeps it.
      const cols = getTableColumns(table) as Record<string, { name: string; hasDefault?: boolean }>;
      const props = Object.keys(cols).filter((p) => p in r || !cols[p]!.hasDefault);
      buf = {
        head: `INSERT INTO "${getTableName(table)}" (${props.map((p) => `"${cols[p]!.name}"`).join(', ')}) VALUES `,
        props,
        rows: [],
      };
      this.buffers.set(table, buf);
    }
    buf.rows.push(`(${buf.props.map((p) => literal(r[p])).join(',')})`);
    const name = getTableName(table);
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    if (buf.rows.length >= this.rowsPerStatement) this.seal(buf);
    if (this.pendingRows >= this.rowsPerTransaction) await this.flush();
  }

  private seal(buf: Buffer) {
    if (buf.rows.length === 0) return;
    this.statements.push(buf.head + buf.rows.join(',') + ';');
    this.pendingRows += buf.rows.length;
    buf.rows = [];
  }

  /** Writes everything buffered, in one transaction. */
  async flush(): Promise<void> {
    for (const buf of this.buffers.values()) this.seal(buf);
    if (this.statements.length === 0) return;
    const sql = `BEGIN;\n${this.statements.join('\n')}\nCOMMIT;`;
    this.statements = [];
    this.pendingRows = 0;
    await this.client.executeMultiple(sql);
  }
}
