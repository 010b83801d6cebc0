/**
 * Temporal's list-filter language (the SQL-like `WorkflowType = 'x' AND ExecutionStatus = 'Running'`):
 * tokenizer and recursive-descent parser into an expression tree. Syntax errors name their position.
 */

export type Value = string | number | boolean;

export type Expr =
  | { op: 'and' | 'or'; left: Expr; right: Expr }
  | { op: 'not'; expr: Expr }
  | { op: 'cmp'; field: string; cmp: '=' | '!=' | '<' | '<=' | '>' | '>='; value: Value }
  | { op: 'in'; field: string; values: Value[]; negate: boolean }
  | { op: 'between'; field: string; low: Value; high: Value; negate: boolean }
  | { op: 'startsWith'; field: string; prefix: string }
  | { op: 'isNull'; field: string; negate: boolean };

export interface ParsedQuery {
  where?: Expr;
  orderBy: Array<{ field: string; desc: boolean }>;
  groupBy?: string;
}

export class QuerySyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`invalid query: ${message} at position ${position}`);
  }
}

interface Token {
  kind: 'ident' | 'string' | 'number' | 'op' | 'punct' | 'end';
  text: string;
  value?: Value;
  pos: number;
}

const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'IN',
  'BETWEEN',
  'STARTS_WITH',
  'IS',
  'NULL',
  'ORDER',
  'BY',
  'ASC',
  'DESC',
  'GROUP',
  'TRUE',
  'FALSE',
]);

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const pos = i + 1;
    if (c === "'" || c === '"') {
      let j = i + 1;
      let s = '';
      while (j < q.length && q[j] !== c) {
        if (q[j] === '\\' && j + 1 < q.length) j++;
        s += q[j++];
      }
      if (j >= q.length) throw new QuerySyntaxError('unterminated string', pos);
      out.push({ kind: 'string', text: q.slice(i, j + 1), value: s, pos });
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const j = q.indexOf('`', i + 1);
      if (j < 0) throw new QuerySyntaxError('unterminated identifier', pos);
      out.push({ kind: 'ident', text: q.slice(i + 1, j), pos });
      i = j + 1;
      continue;
    }
    const two = q.slice(i, i + 2);
    if (['!=', '<>', '<=', '>='].includes(two)) {
      out.push({ kind: 'op', text: two === '<>' ? '!=' : two, pos });
      i += 2;
      continue;
    }
    if ('=<>'.includes(c)) {
      out.push({ kind: 'op', text: c, pos });
      i++;
      continue;
    }
    if ('(),'.includes(c)) {
      out.push({ kind: 'punct', text: c, pos });
      i++;
      continue;
    }
    const num = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(q.slice(i));
    if (num && (c === '-' || /\d/.test(c))) {
      out.push({ kind: 'number', text: num[0], value: Number(num[0]), pos });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(q.slice(i));
    if (id) {
      out.push({ kind: 'ident', text: id[0], pos });
      i += id[0].length;
      continue;
    }
    throw new QuerySyntaxError(`unexpected character '${c}'`, pos);
  }
  out.push({ kind: 'end', text: '', pos: q.length + 1 });
  return out;
}

/** Parses a list filter; an empty string matches everything. */
export function parseListQuery(query: string): ParsedQuery {
  const tokens = tokenize(query);
  let p = 0;
  const peek = () => tokens[p];
  const isKw = (t: Token, kw: string) => t.kind === 'ident' && t.text.toUpperCase() === kw;
  const expectKw = (kw: string) => {
    const t = tokens[p];
    if (!isKw(t, kw)) throw new QuerySyntaxError(`expected ${kw} but found '${t.text || 'end of query'}'`, t.pos);
    p++;
  };
  const expectPunct = (c: string) => {
    const t = tokens[p];
    if (t.kind !== 'punct' || t.text !== c)
      throw new QuerySyntaxError(`expected '${c}' but found '${t.text || 'end of query'}'`, t.pos);
    p++;
  };
  const field = (): string => {
    const t = tokens[p];
    if (t.kind !== 'ident' || KEYWORDS.has(t.text.toUpperCase())) {
      throw new QuerySyntaxError(`expected a search attribute name but found '${t.text || 'end of query'}'`, t.pos);
    }
    p++;
    return t.text;
  };
  const value = (): Value => {
    const t = tokens[p];
    if (t.kind === 'string' || t.kind === 'number') {
      p++;
      return t.value!;
    }
    if (isKw(t, 'TRUE') || isKw(t, 'FALSE')) {
      p++;
      return t.text.toUpperCase() === 'TRUE';
    }
    throw new QuerySyntaxError(`expected a value but found '${t.text || 'end of query'}'`, t.pos);
  };

  const primary = (): Expr => {
    const t = peek();
    if (t.kind === 'punct' && t.text === '(') {
      p++;
      const e = orExpr();
      expectPunct(')');
      return e;
    }
    const f = field();
    const next = peek();
    if (next.kind === 'op') {
      p++;
      return { op: 'cmp', field: f, cmp: next.text as '=', value: value() };
    }
    let negate = false;
    if (isKw(next, 'NOT')) {
      negate = true;
      p++;
    }
    const kw = peek();
    if (isKw(kw, 'IN')) {
      p++;
      expectPunct('(');
      const values = [value()];
      while (peek().kind === 'punct' && peek().text === ',') {
        p++;
        values.push(value());
      }
      expectPunct(')');
      return { op: 'in', field: f, values, negate };
    }
    if (isKw(kw, 'BETWEEN')) {
      p++;
      const low = value();
      expectKw('AND');
      const high = value();
      return { op: 'between', field: f, low, high, negate };
    }
    if (!negate && isKw(kw, 'STARTS_WITH')) {
      p++;
      const v = value();
      if (typeof v !== 'string') throw new QuerySyntaxError('STARTS_WITH needs a string', kw.pos);
      return { op: 'startsWith', field: f, prefix: v };
    }
    if (!negate && isKw(kw, 'IS')) {
      p++;
      let neg = false;
      if (isKw(peek(), 'NOT')) {
        neg = true;
        p++;
      }
      expectKw('NULL');
      return { op: 'isNull', field: f, negate: neg };
    }
    throw new QuerySyntaxError(`expected an operator after '${f}' but found '${kw.text || 'end of query'}'`, kw.pos);
  };
  const notExpr = (): Expr => {
    if (isKw(peek(), 'NOT')) {
      p++;
      return { op: 'not', expr: notExpr() };
    }
    return primary();
  };
  const andExpr = (): Expr => {
    let left = notExpr();
    while (isKw(peek(), 'AND')) {
      p++;
      left = { op: 'and', left, right: notExpr() };
    }
    return left;
  };
  const orExpr = (): Expr => {
    let left = andExpr();
    while (isKw(peek(), 'OR')) {
      p++;
      left = { op: 'or', left, right: andExpr() };
    }
    return left;
  };

  const result: ParsedQuery = { orderBy: [] };
  if (peek().kind !== 'end' && !isKw(peek(), 'ORDER') && !isKw(peek(), 'GROUP')) result.where = orExpr();
  if (isKw(peek(), 'ORDER')) {
    p++;
    expectKw('BY');
    do {
      if (peek().kind === 'punct' && peek().text === ',') p++;
      const f = field();
      let desc = false;
      if (isKw(peek(), 'DESC')) {
        desc = true;
        p++;
      } else if (isKw(peek(), 'ASC')) p++;
      result.orderBy.push({ field: f, desc });
    } while (peek().kind === 'punct' && peek().text === ',');
  } else if (isKw(peek(), 'GROUP')) {
    p++;
    expectKw('BY');
    result.groupBy = field();
  }
  const end = peek();
  if (end.kind !== 'end') throw new QuerySyntaxError(`unexpected '${end.text}'`, end.pos);
  return result;
}
