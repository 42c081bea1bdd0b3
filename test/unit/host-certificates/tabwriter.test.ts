import { describe, expect, it } from 'vitest';
import { tabwrite } from '../../../src/checks/host-certificates/tabwriter.js';

// kubeadm's settings: tabwriter.NewWriter(out, 10, 4, 3, ' ', 0).
const kubeadm = { minWidth: 10, padding: 3 };

describe('tabwrite (Go text/tabwriter semantics)', () => {
  it('pads every cell but the last to the widest cell plus padding, never below the minimum width', () => {
    expect(tabwrite('a\tbb\tc\nccc\td\te\n', kubeadm)).toBe('a         bb        c\nccc       d         e\n');
    expect(tabwrite('a-rather-long-name\tx\n', kubeadm)).toBe('a-rather-long-name   x\n');
  });

  it('leaves the text after the last tab unpadded, trailing spaces included', () => {
    expect(tabwrite('n\tno      \n', kubeadm)).toBe('n         no      \n');
  });

  it('ends a column at a line with fewer cells: the blank line splits two tables', () => {
    expect(tabwrite('aaaaaaaaaaaa\tb\n\nc\td\n', kubeadm)).toBe('aaaaaaaaaaaa   b\n\nc         d\n');
  });

  it('aligns a column only over consecutive lines that have it', () => {
    const text = 'a\tb\tc\naa\tb\na\tbbbbbbbbbbbbbb\tc\n';
    expect(tabwrite(text, kubeadm)).toBe(
      'a         b         c\n' + 'aa        b\n' + 'a         bbbbbbbbbbbbbb   c\n',
    );
  });

  it("pads empty cells with spaces (kubeadm's !MISSING! lines)", () => {
    expect(tabwrite('!M x\t\t\nlonger-name\tv\tw\n', kubeadm)).toBe(
      `!M x${' '.repeat(10)}${' '.repeat(10)}\nlonger-name   v         w\n`,
    );
  });

  it('counts characters, not bytes', () => {
    expect(tabwrite('é\tx\nab\ty\n', { minWidth: 0, padding: 1 })).toBe('é  x\nab y\n');
  });
});
