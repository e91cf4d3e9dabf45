/**
 * Statements that write a whole group of rows from ONE JSON parameter: `json_each(?)` spreads an
 * array of objects into rows (alias `j`) and each field is read with `json_extract`. One parameter
 * whatever the group's size (D1 allows 100 bound parameters per statement), and one constant
 * statement text, which db/prepared.ts keeps prepared.
 *
 * The objects are keyed by the drizzle table objects' property names (`invitationId`, never
 * abbreviations), and the statements are written with drizzle's `sql` over the schema's table
 * and column objects, then rendered to text once: no table or column name is spelled twice.
 */
import { sql, type SQL } from 'drizzle-orm';
import { SQLiteAsyncDialect, type SQLiteColumn } from 'drizzle-orm/sqlite-core';

/** A field of the current json_each row, by the property name of its column. */
export const jsonField = (field: string): SQL => sql.raw(`json_extract(j.value, '$.${field}')`);

/** `json_each(?)`: the statement's one parameter, the group as a JSON array, as rows `j`. */
export const jsonRows = sql.raw('json_each(?) j');

/** The position of a json_each row among the rows the statement keeps (1, 2, ...), in group order. */
export const groupPosition = sql.raw('row_number() over (order by j.key)');

/** A column as the target of an INSERT column list or an UPDATE's SET (unqualified). */
export const target = (column: SQLiteColumn): SQL => sql`${sql.identifier(column.name)}`;

const dialect = new SQLiteAsyncDialect();

/** The statement's text, for a statement whose only parameter is the `?` of `jsonRows`. */
export function statementText(statement: SQL): string {
  const { sql: text, params } = dialect.sqlToQuery(statement);
  if (params.length) throw new Error('a group statement takes its values from its JSON parameter only');
  return text;
}
