/**
 * A strict-enough XML well-formedness check for tests (no XML parser is a dependency): one root,
 * balanced and properly nested tags, quoted unique attributes, no stray `<` or `&`.
 * Returns the elements found, as `{ name, attrs, parent }`, for structural assertions.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  parent: XmlElement | undefined;
}

const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*"[^"<]*")*)\s*(\/?)>/y;
const ATTR = /([A-Za-z_][\w.:-]*)\s*=\s*"([^"]*)"/g;
const TEXT = /[^<]*/y;

export function parseXml(xml: string): XmlElement[] {
  let i = 0;
  const decl = /^<\?xml[^?]*\?>\s*/.exec(xml);
  if (decl) i = decl[0].length;
  const stack: XmlElement[] = [];
  const all: XmlElement[] = [];
  let roots = 0;
  while (i < xml.length) {
    TEXT.lastIndex = i;
    const text = TEXT.exec(xml)![0];
    if (/&(?!(amp|lt|gt|quot|apos);)/.test(text)) throw new Error(`bad entity near ${i}`);
    if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root near ${i}`);
    i += text.length;
    if (i >= xml.length) break;
    TAG.lastIndex = i;
    const m = TAG.exec(xml);
    if (!m) throw new Error(`malformed tag near ${i}: ${xml.slice(i, i + 60)}`);
    i = TAG.lastIndex;
    const [, closing, name, attrText, selfClosing] = m;
    if (closing) {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText!.matchAll(ATTR)) {
      if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]} on <${name}>`);
      attrs[a[1]!] = a[2]!;
    }
    if (stack.length === 0 && ++roots > 1) throw new Error('more than one root element');
    const el: XmlElement = { name: name!, attrs, parent: stack.at(-1) };
    all.push(el);
    if (!selfClosing) stack.push(el);
  }
  if (stack.length) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  if (roots !== 1) throw new Error('no root element');
  return all;
}
