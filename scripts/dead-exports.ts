// Exported symbols of src/ that no other module imports (src, test, bench, scripts, web), found with
// the TypeScript checker: every import and export-from specifier is resolved to the declaration it
// names. `node --import tsx scripts/dead-exports.ts` prints `file: name (used inside its file?)`.
// A symbol only used inside its own file needs no `export`; one used nowhere can go.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

export interface DeadExport { file: string; name: string; usedLocally: boolean }

export function deadExports(projectDir: string): DeadExport[] {
  const configPath = resolve(projectDir, 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, projectDir);
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const checker = program.getTypeChecker();
  const srcDir = resolve(projectDir, 'src') + '/';
  const used = new Set<ts.Symbol>();
  const original = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  for (const sf of program.getSourceFiles()) {
    if (sf.isDeclarationFile || sf.fileName.includes('/node_modules/')) continue;
    const visit = (n: ts.Node): void => {
      if (ts.isImportSpecifier(n) || ts.isExportSpecifier(n) || ts.isImportClause(n) || ts.isNamespaceImport(n)) {
        const s = checker.getSymbolAtLocation(n.name ?? n);
        if (s) used.add(original(s));
      }
      // `await import('…')` then `.name`: count the property accesses on the module namespace.
      if (ts.isPropertyAccessExpression(n)) {
        const s = checker.getSymbolAtLocation(n.name);
        if (s) used.add(original(s));
      }
      // `const { name } = await import('…')`: the property of the namespace the pattern reads.
      if (ts.isBindingElement(n) && ts.isObjectBindingPattern(n.parent)) {
        const key = n.propertyName ?? n.name;
        if (ts.isIdentifier(key)) {
          const s = checker.getTypeAtLocation(n.parent).getProperty(key.text);
          if (s) used.add(original(s));
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  const out: DeadExport[] = [];
  for (const sf of program.getSourceFiles()) {
    if (!sf.fileName.startsWith(srcDir)) continue;
    const mod = checker.getSymbolAtLocation(sf);
    if (!mod) continue;
    for (const exp of checker.getExportsOfModule(mod)) {
      const target = original(exp);
      if (used.has(target) || used.has(exp)) continue;
      const text = sf.getFullText();
      const uses = text.match(new RegExp(`\\b${exp.name}\\b`, 'g'))?.length ?? 0;
      out.push({ file: sf.fileName.slice(srcDir.length), name: exp.name, usedLocally: uses > 1 });
    }
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const d of deadExports(process.cwd())) console.log(`${d.file}: ${d.name}${d.usedLocally ? ' (used inside its file)' : ''}`);
}
