/**
 * Dollar-quotes a function or DO body with a tag that does not occur in it, so that no name
 * inside the body (a table called `a$$b`, say) can end the quoting early.
 */
export function dollarQuote(body: string): string {
  let tag = "$$";
  for (let n = 0; body.includes(tag); n++) tag = `$q${n}$`;
  return `${tag}\n${body}\n${tag}`;
}
