#!/usr/bin/env python3
"""Layout checks (run by `.ci/run`; exits 1 when one fails): `python3 scripts/layout.py [ROOT]`.

1. No non-test source file (src/, crates/*/src/) is over 450 lines before its first
   `#[cfg(test)]`.
2. Module import graph of a crate (non-test code), and its mutual imports.

Files: src/**/*.rs (lib crate; main.rs and src/bin are separate crates), minus test-only
files (tests.rs, */tests/*), each cut at its first `#[cfg(test)]`. Comments dropped.
Every `use` tree is expanded (braces, `self`, `super`, `crate`), and every inline path
starting with `crate::`/`super::`/`self::` is taken too; a path resolves to the longest
prefix that is a module file. An edge A -> B is recorded when B is neither A nor an
ancestor/descendant of A (a child using its parent's items is how Rust nests modules).
Reported: pairs with edges both ways (file level), and the same on top-level modules.
"""
import os, re, sys
root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..')
src = os.path.join(root, 'src')
mods = {}
for d, _, fs in os.walk(src):
    for f in fs:
        if not f.endswith('.rs'): continue
        p = os.path.join(d, f); rel = os.path.relpath(p, src)
        if rel in ('main.rs',) or rel.startswith('bin/'): continue
        if f == 'tests.rs' or '/tests/' in '/' + rel: continue
        parts = rel[:-3].split('/')
        if parts[-1] in ('mod', 'lib'): parts = parts[:-1]
        mods[tuple(parts)] = p

def text(p):
    s = open(p).read()
    m = re.search(r'^\s*#\[cfg\(test\)\]', s, re.M)
    if m: s = s[:m.start()]
    s = re.sub(r'//[^\n]*', '', s)
    s = re.sub(r'"(?:\\.|[^"\\])*"', '""', s)
    return s

def expand(tree):
    """`a::{b, c::{d, e}}` -> ['a::b', 'a::c::d', 'a::c::e']"""
    tree = tree.strip()
    i = tree.find('{')
    if i < 0: return [tree]
    prefix = tree[:i]
    body = tree[i+1:tree.rfind('}')]
    parts, depth, cur = [], 0, ''
    for ch in body:
        if ch == '{': depth += 1
        if ch == '}': depth -= 1
        if ch == ',' and depth == 0: parts.append(cur); cur = ''
        else: cur += ch
    if cur.strip(): parts.append(cur)
    out = []
    for part in parts:
        for e in expand(part):
            out.append(prefix + e if e != 'self' else prefix.rstrip(':'))
    return out

def resolve(path, here):
    segs = [s for s in re.split(r'::', re.sub(r'\s+as\s+\w+$', '', path.strip())) if s]
    if not segs: return None
    if segs[0] == 'crate': base, segs = [], segs[1:]
    elif segs[0] in ('super', 'self'):
        base = list(here)
        while segs and segs[0] in ('super', 'self'):
            if segs[0] == 'super': base = base[:-1]
            segs = segs[1:]
    else: return None
    full = base + segs
    for n in range(len(full), -1, -1):
        if tuple(full[:n]) in mods: return tuple(full[:n])
    return None

edges = {}
for m, p in mods.items():
    s = text(p)
    paths = []
    for u in re.finditer(r'\buse\s+([^;]+);', s):
        paths += expand(u.group(1))
    paths += re.findall(r'\b(?:crate|super|self)(?:::\w+)+', s)
    for path in paths:
        t = resolve(path, m)
        if t is None or t == m: continue
        if t[:len(m)] == m or m[:len(t)] == t: continue  # ancestor/descendant
        edges.setdefault(m, set()).add(t)

name = lambda m: '::'.join(m) or 'crate'
fail = False
pairs = sorted({tuple(sorted((a, b))) for a in edges for b in edges[a] if a in edges.get(b, ())})
print(f'{len(mods)} modules, {sum(map(len, edges.values()))} edges (file level)')
for a, b in pairs:
    fail = True; print('mutual (file level):', name(a), '<->', name(b))
top = {}
for a in edges:
    for b in edges[a]:
        if a and b and a[0] != b[0]: top.setdefault(a[0], set()).add(b[0])
tpairs = sorted({tuple(sorted((a, b))) for a in top for b in top[a] if a in top.get(b, ())})
print(f'{len(top)} top-level modules with imports, {sum(map(len, top.values()))} edges (top level)')
for a, b in tpairs:
    fail = True; print('mutual (top level):', a, '<->', b)
# longer cycles at top level (Tarjan SCC)
idx, low, st, on, sccs, c = {}, {}, [], set(), [], [0]
def sc(v):
    idx[v] = low[v] = c[0]; c[0] += 1; st.append(v); on.add(v)
    for w in top.get(v, ()):
        if w not in idx: sc(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], idx[w])
    if low[v] == idx[v]:
        comp = []
        while True:
            w = st.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: sccs.append(comp)
for v in list(top): 
    if v not in idx: sc(v)
for comp in sccs: print('cycle (top level):', ' -> '.join(sorted(comp)))
print('no mutual imports' if not fail else 'MUTUAL IMPORTS FOUND')

LIMIT = 450
big = []
crates = os.path.join(root, 'crates')
extra = [os.path.join(crates, c, 'src') for c in os.listdir(crates)] if os.path.isdir(crates) else []
for top in [src] + extra:
    for d, _, fs in os.walk(top):
        for f in fs:
            p = os.path.join(d, f)
            if not f.endswith('.rs') or f == 'tests.rs' or '/tests/' in p: continue
            n = 0
            for line in open(p):
                if re.match(r'\s*#\[cfg\(test\)\]', line): break
                n += 1
            if n > LIMIT: big.append((n, os.path.relpath(p, root)))
for n, p in sorted(big, reverse=True): print(f'over {LIMIT} lines: {p} ({n})')
print(f'no non-test file over {LIMIT} lines' if not big else f'{len(big)} files over {LIMIT} lines')
sys.exit(1 if fail or big else 0)
