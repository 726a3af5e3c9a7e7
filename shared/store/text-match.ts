// Matching a typed piece of text against a column, in both dialects, without LIKE: D1 refuses a
// LIKE pattern over 50 bytes (SQLITE_LIMIT_LIKE_PATTERN_LENGTH), failing the whole query, and a
// pattern needs its % and _ escaped. Both compare characters as stored: lower the column and
// the text alike for a match that ignores case.
import { type SQL, sql } from "drizzle-orm";
import type { Dialect } from "./bindings";

/** Whether `column` starts with `prefix` (substr counts characters, in both dialects). */
export const startsWith = (column: SQL, prefix: string): SQL => sql`substr(${column}, 1, ${Array.from(prefix).length}) = ${prefix}`;

/** Whether `column` contains `text` anywhere. */
export const contains = (dialect: Dialect, column: SQL, text: string): SQL =>
  dialect === "pg" ? sql`strpos(${column}, ${text}) > 0` : sql`instr(${column}, ${text}) > 0`;
