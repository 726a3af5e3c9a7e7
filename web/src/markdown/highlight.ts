// A tiny syntax highlighter for code blocks in chat: one scanner for the C-like, scripting and
// shell families that covers comments, strings, numbers, keywords, literals and calls. It is
// not a parser (a few tokens will be coloured wrongly) and that is the trade for a few hundred
// bytes instead of a grammar library. It returns tokens; render.ts turns them into text nodes.

export type TokenKind = "plain" | "comment" | "string" | "number" | "keyword" | "literal" | "fn" | "type" | "punct";
export type Token = { k: TokenKind; v: string };

const KEYWORDS = new Set(
  (
    "abstract as async await break case catch class const continue def default defer del do elif else enum except " +
    "export extends final finally fn for from func function go if impl implements import in interface is lambda " +
    "let loop match mod module mut namespace new not or and package pass private protected pub public raise return " +
    "select static struct super switch throw throws trait try type typeof instanceof use var void where while with " +
    "yield chan range map unsafe crate dyn ref move echo then fi esac done local declare readonly keyof satisfies " +
    "declare override get set of"
  ).split(" "),
);
const SQL = new Set(
  "select from where insert into values update set delete create table index drop alter join left right inner outer on group by order having limit offset as and or not null primary key references distinct union returning".split(
    " ",
  ),
);
const LITERALS = new Set("true false null undefined nil none None True False NaN Infinity this self Self".split(" "));

const HASH_COMMENTS = new Set([
  "py",
  "python",
  "sh",
  "bash",
  "shell",
  "zsh",
  "rb",
  "ruby",
  "yaml",
  "yml",
  "toml",
  "r",
  "perl",
  "dockerfile",
  "make",
  "makefile",
  "ini",
  "conf",
]);
const NO_HIGHLIGHT = new Set(["text", "txt", "plain", "plaintext", "md", "markdown", "log", "output", "console"]);

export function highlight(code: string, lang: string): Token[] {
  if (NO_HIGHLIGHT.has(lang) || code.length > 50_000) return [{ k: "plain", v: code }];
  const hash = HASH_COMMENTS.has(lang);
  const sql = lang === "sql";
  const out: Token[] = [];
  const push = (k: TokenKind, v: string) => {
    const last = out[out.length - 1];
    if (last && last.k === k) last.v += v;
    else out.push({ k, v });
  };
  let i = 0;
  while (i < code.length) {
    const rest = code.slice(i);
    const before = code[i - 1] ?? "";
    const at = (re: RegExp) => re.exec(rest)?.[0];
    let v: string | undefined;
    if ((v = (hash ? at(/^#[^\n]*/) : (at(/^\/\/[^\n]*/) ?? at(/^\/\*[\s\S]*?(\*\/|$)/))) ?? (sql ? at(/^--[^\n]*/) : undefined))) {
      push("comment", v);
    } else if (
      // An apostrophe inside a word ("don't" in a comment-less snippet) does not open a string.
      (v = at(/^"(?:[^"\\\n]|\\.)*"?/) ?? at(/^`(?:[^`\\]|\\.)*`?/) ?? (/\w/.test(before) ? undefined : at(/^'(?:[^'\\\n]|\\.)*'?/)))
    ) {
      push("string", v);
    } else if (!/\w/.test(before) && (v = at(/^(0x[\da-f_]+|0b[01_]+|\d[\d_]*(\.\d+)?(e[+-]?\d+)?)[a-z]*/i))) {
      push("number", v);
    } else if ((v = at(/^[A-Za-z_$][\w$]*/))) {
      const call = /^\s*\(/.test(code.slice(i + v.length));
      if (KEYWORDS.has(v) || (sql && SQL.has(v.toLowerCase()))) push("keyword", v);
      else if (LITERALS.has(v)) push("literal", v);
      else if (call) push("fn", v);
      else if (/^[A-Z][a-z]/.test(v)) push("type", v);
      else push("plain", v);
    } else if ((v = at(/^[{}()[\];,.:<>=+\-*/%!&|^~?@]+/))) {
      push("punct", v);
    } else {
      v = code[i] as string;
      push("plain", v);
    }
    i += v.length;
  }
  return out;
}
