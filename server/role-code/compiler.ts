/**
 * Turns a learner's version of a role's function into a program the bridge can run: puts it
 * back into the role's own module (the cut the slide made, undone), checks the module against
 * the project's compiler options and zeromq's own types, and emits JavaScript.
 *
 * The checker is a TypeScript language service kept warm across edits: the first check of a
 * bridge loads the standard library, Node's and zeromq's types (a second or so); later ones
 * re-check only what changed, in about a tenth of that. It reads the project's files from disk
 * and holds the edited module in memory; nothing it is given is ever executed here.
 */
import { readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import type { CodeDiagnostic } from "../../protocol/messages.js";
import { type SplicedModule, spliceSymbol } from "./cut.js";

export type { CodeDiagnostic };

/** Which function of which module a learner edits. */
export interface EditTarget {
  /** The demo's folder under demos/, such as `req-rep`. */
  demo: string;
  /** The module holding the function, in that folder: `server.ts`. */
  file: string;
  /** The function's name: `startServer`. */
  symbol: string;
}

/** The JavaScript a run needs for an edited role: file names (in the demo's folder) to code. */
export type EmittedModules = Map<string, string>;

export class RoleCompiler {
  readonly #repoRoot: string;
  readonly #buildRoot: string;
  readonly #options: ts.CompilerOptions;
  readonly #service: ts.LanguageService;
  /** Edited modules by absolute path, and a version per path so the service sees each change. */
  readonly #overrides = new Map<string, string>();
  readonly #versions = new Map<string, number>();
  readonly #rootFiles: string[];

  /** `repoRoot` holds demos/ and tsconfig.node.json; `buildRoot` the compiled demos/ the runs import. */
  constructor(repoRoot: string, buildRoot: string) {
    this.#repoRoot = repoRoot;
    this.#buildRoot = buildRoot;
    const config = ts.getParsedCommandLineOfConfigFile(
      join(repoRoot, "tsconfig.node.json"),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
    );
    if (!config) throw new Error(`cannot read ${join(repoRoot, "tsconfig.node.json")}`);
    this.#options = { ...config.options, noEmit: true, incremental: false, composite: false, tsBuildInfoFile: undefined };
    this.#rootFiles = config.fileNames.filter((file) => file.startsWith(join(repoRoot, "demos")));
    const host: ts.LanguageServiceHost = {
      getScriptFileNames: () => this.#rootFiles,
      getScriptVersion: (file) => String(this.#versions.get(file) ?? 0),
      getScriptSnapshot: (file) => {
        const text = this.#overrides.get(file) ?? ts.sys.readFile(file);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => repoRoot,
      getCompilationSettings: () => this.#options,
      getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
      fileExists: ts.sys.fileExists,
      readFile: (file) => this.#overrides.get(file) ?? ts.sys.readFile(file),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
    };
    this.#service = ts.createLanguageService(host, ts.createDocumentRegistry());
  }

  /** Loads what every check needs, so the learner's first Run does not pay for it. */
  warm(): void {
    const first = this.#rootFiles[0];
    if (first) this.#service.getSemanticDiagnostics(first);
  }

  /**
   * The learner's text put back into its module: what the checker sees and the run executes.
   * Throws when the module or the function is not there (a bad target, not a learner's error).
   */
  splice(target: EditTarget, text: string): SplicedModule {
    const path = this.#sourcePath(target.demo, target.file);
    const original = ts.sys.readFile(path);
    if (original === undefined) throw new Error(`there is no demos/${target.demo}/${target.file}`);
    return spliceSymbol(original, path, target.symbol, text);
  }

  /**
   * What is wrong with the demo once the learner's text replaces the function: syntax and type
   * errors, in the learner's coordinates. Empty when it may run.
   */
  check(target: EditTarget, text: string): CodeDiagnostic[] {
    const spliced = this.splice(target, text);
    const path = this.#sourcePath(target.demo, target.file);
    // Only this edit is in the service's view: an earlier one of another module is dropped.
    for (const other of [...this.#overrides.keys()]) if (other !== path) this.#override(other, undefined);
    this.#override(path, spliced.source);
    // The edited module, and the modules of its demo that import it, directly or not: no other
    // can be broken by the edit, and each one checked costs the learner's Run some milliseconds.
    const sources = this.#demoSources(target);
    sources.set(target.file, spliced.source);
    const folder = dirname(path);
    const files = [
      path,
      ...[...importersOf(target.file, sources)].filter((name) => name !== target.file).map((name) => join(folder, name)),
    ];
    return files.flatMap((file) => {
      const syntax = this.#service.getSyntacticDiagnostics(file);
      // A module that does not parse has no types worth reporting: its first error is the one to fix.
      const found = syntax.length > 0 ? syntax : this.#service.getSemanticDiagnostics(file);
      return found.map((diagnostic) => this.#place(diagnostic, file === path ? spliced : undefined, file));
    });
  }

  /**
   * JavaScript for the modules of the demo's folder that change with the edit: the edited
   * module, and those in the folder that import it, directly or not. Their imports of anything
   * else point at the compiled files under `buildRoot`, so the run shares the reporting layer's
   * single instance with the role's own start-up code. The edited module carries an inline
   * source map, so a stack trace names lines of the spliced TypeScript.
   */
  emit(target: EditTarget, text: string): EmittedModules {
    const spliced = this.splice(target, text);
    const folder = join(this.#repoRoot, "demos", target.demo);
    const sources = this.#demoSources(target);
    sources.set(target.file, spliced.source);
    const changed = importersOf(target.file, sources);
    const emitted: EmittedModules = new Map();
    for (const name of changed) {
      const output = ts.transpileModule(sources.get(name)!, {
        fileName: join(folder, name),
        // No outDir: the map then names the source beside the JavaScript, in the run's folder,
        // which is how a stack frame names it and stack-lines.ts recognises it.
        compilerOptions: {
          ...this.#options,
          module: ts.ModuleKind.ESNext,
          noEmit: false,
          outDir: undefined,
          rootDir: undefined,
          sourceMap: false,
          inlineSourceMap: name === target.file,
          inlineSources: name === target.file,
        },
        transformers: { after: [pointImportsAt(join(this.#buildRoot, "demos", target.demo), changed)] },
      });
      emitted.set(name.replace(/\.ts$/, ".js"), output.outputText);
    }
    return emitted;
  }

  /** The TypeScript modules of the target's demo folder, by file name, as they are on disk. */
  #demoSources(target: EditTarget): Map<string, string> {
    const folder = join(this.#repoRoot, "demos", target.demo);
    const sources = new Map<string, string>();
    for (const name of readdirSync(folder)) if (name.endsWith(".ts")) sources.set(name, ts.sys.readFile(join(folder, name))!);
    return sources;
  }

  #sourcePath(demo: string, file: string): string {
    return join(this.#repoRoot, "demos", demo, file);
  }

  #override(path: string, text: string | undefined): void {
    if (text === this.#overrides.get(path)) return;
    if (text === undefined) this.#overrides.delete(path);
    else this.#overrides.set(path, text);
    this.#versions.set(path, (this.#versions.get(path) ?? 0) + 1);
  }

  #place(diagnostic: ts.Diagnostic, spliced: SplicedModule | undefined, file: string): CodeDiagnostic {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    const severity = diagnostic.category === ts.DiagnosticCategory.Error ? "error" : "warning";
    const source = diagnostic.file;
    if (!source || diagnostic.start === undefined)
      return { line: 1, column: 1, endLine: 1, endColumn: 1, message, severity, outside: true };
    const start = source.getLineAndCharacterOfPosition(diagnostic.start);
    const end = source.getLineAndCharacterOfPosition(diagnostic.start + (diagnostic.length ?? 0));
    const inside = spliced !== undefined && start.line + 1 >= spliced.firstLine && start.line + 1 <= spliced.lastLine;
    if (inside) {
      const first = spliced.firstLine;
      return {
        line: start.line + 2 - first,
        column: start.character + 1,
        endLine: end.line + 2 - first,
        endColumn: end.character + 1,
        message,
        severity,
      };
    }
    const where = `${relative(join(this.#repoRoot, "demos"), file)}:${start.line + 1}`;
    return {
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
      message: `${message} (in ${where}, outside your function)`,
      severity,
      outside: true,
      elsewhere: where,
    };
  }
}

/** The relative module specifiers a module imports (and re-exports). */
function importsOf(source: string): string[] {
  return ts
    .preProcessFile(source, true, false)
    .importedFiles.map((entry) => entry.fileName)
    .filter((name) => name.startsWith("."));
}

/** `file` and every module in `sources` (one folder) that imports it, directly or through others. */
function importersOf(file: string, sources: Map<string, string>): Set<string> {
  const changed = new Set([file]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, source] of sources) {
      if (changed.has(name)) continue;
      const imported = importsOf(source).map((specifier) => specifier.replace(/^\.\//, "").replace(/\.js$/, ".ts"));
      if (imported.some((other) => changed.has(other))) {
        changed.add(name);
        grew = true;
      }
    }
  }
  return changed;
}

/**
 * Rewrites relative imports: a module emitted beside this one stays relative; anything else
 * becomes the absolute URL of its compiled file in `compiledFolder`'s tree.
 */
function pointImportsAt(compiledFolder: string, emittedHere: Set<string>): ts.TransformerFactory<ts.SourceFile> {
  return (context) => (sourceFile) => {
    const retarget = (specifier: ts.Expression): ts.Expression => {
      if (!ts.isStringLiteral(specifier) || !specifier.text.startsWith(".")) return specifier;
      const sibling = specifier.text.replace(/^\.\//, "").replace(/\.js$/, ".ts");
      if (specifier.text.startsWith("./") && !sibling.includes("/") && emittedHere.has(sibling)) return specifier;
      return context.factory.createStringLiteral(pathToFileURL(join(compiledFolder, specifier.text)).href);
    };
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isImportDeclaration(node)) {
        return context.factory.updateImportDeclaration(
          node,
          node.modifiers,
          node.importClause,
          retarget(node.moduleSpecifier),
          node.attributes,
        );
      }
      if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
        return context.factory.updateExportDeclaration(
          node,
          node.modifiers,
          node.isTypeOnly,
          node.exportClause,
          retarget(node.moduleSpecifier),
          node.attributes,
        );
      }
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0]) {
        return context.factory.updateCallExpression(node, node.expression, node.typeArguments, [
          retarget(node.arguments[0]),
          ...node.arguments.slice(1),
        ]);
      }
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitNode(sourceFile, visit) as ts.SourceFile;
  };
}
