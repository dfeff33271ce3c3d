/**
 * Test support: the classic YAML "billion laughs". Level 1 is an anchored list of `width`
 * strings, every next level an anchored list of `width` aliases of the one before, so ~500 bytes
 * stand for width^levels strings (10^10 by default) once aliases are expanded.
 */
export interface YamlBomb {
  text: string;
  /** 1-based lines of the levels that hold aliases (level 2 onwards), in `text`. */
  aliasLines: number[];
}

/** `before` is put above the bomb (a resource's first lines, say), its lines counted. */
export function yamlBomb(options: { levels?: number; width?: number; before?: string } = {}): YamlBomb {
  const levels = options.levels ?? 10;
  const width = options.width ?? 10;
  const before = options.before ?? '';
  const offset = before === '' ? 0 : before.replace(/\n$/, '').split('\n').length;
  const name = (level: number) => `l${level}`;
  const lines = [`${name(1)}: &${name(1)} [${Array(width).fill('"lol"').join(',')}]`];
  for (let level = 2; level <= levels; level++) lines.push(`${name(level)}: &${name(level)} [${Array(width).fill(`*${name(level - 1)}`).join(',')}]`);
  const text = `${before}${before && !before.endsWith('\n') ? '\n' : ''}${lines.join('\n')}\n`;
  return { text, aliasLines: lines.slice(1).map((_, i) => offset + i + 2) };
}
