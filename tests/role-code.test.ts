/**
 * A learner's version of a role's function, put back into its module, checked and compiled as
 * the bridge does before it runs anything: errors at the learner's own lines, and JavaScript
 * that imports the compiled reporting layer, so it is traced like every role.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { before, describe, it } from "node:test";
import { REPO_ROOT } from "../server/http.js";
import { type EditTarget, RoleCompiler } from "../server/role-code/compiler.js";
import { extractSymbol, spliceSymbol } from "../server/role-code/cut.js";
import { editTargetOf } from "../server/role-code/edited-role.js";
import { manifests } from "../demos/manifests.js";

const SERVER: EditTarget = { demo: "req-rep", file: "server.ts", symbol: "startServer" };
const HANDLER: EditTarget = { demo: "pub-logger", file: "pub-log.ts", symbol: "addZmqHandler" };
const original = (target: EditTarget) => extractSymbol(readFileSync(`${REPO_ROOT}demos/${target.demo}/${target.file}`, "utf8"), target.file, target.symbol);

let compiler: RoleCompiler;
before(() => {
  compiler = new RoleCompiler(REPO_ROOT, `${REPO_ROOT}build/`);
});

describe("putting a learner's function back into its module", () => {
  it("replaces exactly the named declaration and says on which lines the learner's text sits", () => {
    const module = "import x from 'y';\n\n/** doc */\nexport function f() {\n  return 1;\n}\n\nf();\n";
    const spliced = spliceSymbol(module, "m.ts", "f", "export function f() {\n  return 2;\n}");
    assert.equal(spliced.source, "import x from 'y';\n\n/** doc */\nexport function f() {\n  return 2;\n}\n\nf();\n");
    assert.deepEqual([spliced.firstLine, spliced.lastLine], [4, 6]);
  });

  it("refuses a module that has no such function", () => {
    assert.throws(() => spliceSymbol("const a = 1;", "m.ts", "f", ""), /no top-level f/);
  });
});

describe("checking a learner's function", () => {
  it("finds nothing wrong with the function the slide shows", () => {
    assert.deepEqual(compiler.check(SERVER, original(SERVER)), []);
    assert.deepEqual(compiler.check(HANDLER, original(HANDLER)), []);
  });

  it("places a type error against zeromq's own types at the learner's line and column", () => {
    const text = original(SERVER).replace("await socket.send(", "await socket.sned(");
    const [problem, ...rest] = compiler.check(SERVER, text);
    assert.equal(rest.length, 0);
    const line = text.split("\n").findIndex((candidate) => candidate.includes("sned")) + 1;
    assert.equal(problem!.line, line);
    assert.equal(problem!.column, text.split("\n")[line - 1]!.indexOf("sned") + 1);
    assert.match(problem!.message, /'sned' does not exist on type 'Reply'/);
  });

  it("places a syntax error at its line, and reports it alone", () => {
    const text = original(SERVER).replace('"World"', '"World" +');
    const problems = compiler.check(SERVER, text);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.line, text.split("\n").findIndex((candidate) => candidate.includes('"World" +')) + 1);
  });

  it("says when the edit breaks the rest of the demo, and where", () => {
    const text = original(HANDLER).replace("addZmqHandler(", "addZmqHandler(extra: number, ");
    const [problem] = compiler.check(HANDLER, text);
    assert.equal(problem!.elsewhere?.startsWith("pub-logger/program.ts:"), true);
    assert.match(problem!.message, /outside your function/);
  });

  it("forgets an edit once another is checked", () => {
    assert.equal(compiler.check(SERVER, original(SERVER).replace("socket.send(", "socket.sned(")).length, 1);
    assert.deepEqual(compiler.check(HANDLER, original(HANDLER)), []);
    assert.deepEqual(compiler.check(SERVER, original(SERVER)), []);
  });
});

describe("compiling a learner's function", () => {
  it("emits the edited module and the role program that imports it, pointed at the compiled reporting layer", () => {
    const text = original(HANDLER).replace("record.level,", "`level ${record.level}`,");
    const modules = compiler.emit(HANDLER, text);
    assert.deepEqual([...modules.keys()].sort(), ["program.js", "pub-log.js"]);
    const handler = modules.get("pub-log.js")!;
    assert.match(handler, /`level \$\{record\.level\}`/);
    assert.match(handler, new RegExp(`from "file://${REPO_ROOT}build/demos/lib/zmq\\.js"`));
    assert.match(handler, /sourceMappingURL=data:application\/json;base64,/);
    const program = modules.get("program.js")!;
    assert.match(program, /from "\.\/pub-log\.js"/, "the role's program imports the edited module beside it");
    assert.match(program, new RegExp(`from "file://${REPO_ROOT}build/demos/lib/role\\.js"`));
    assert.doesNotMatch(program, /require\(/, "ES modules, as the project's");
  });
});

describe("the roles a learner may edit", () => {
  it("are the roles whose function a slide shows, and each one's edit reaches the program the role runs", () => {
    const slides = readdirSync(`${REPO_ROOT}slides`).filter((name) => name.endsWith(".md")).map((name) => readFileSync(`${REPO_ROOT}slides/${name}`, "utf8")).join("\n");
    const shown = new Set([...slides.matchAll(/@code (demos\/[\w-]+\/[\w-]+\.ts)#(\w+)/g)].map((match) => `${match[1]}#${match[2]}`));
    const editable = new Set<string>();
    for (const manifest of manifests.values()) {
      for (const [role, spec] of Object.entries(manifest.roles)) {
        if (!spec.code) continue;
        editable.add(`${spec.code.file}#${spec.code.symbol}`);
        const target = editTargetOf(manifest, role);
        assert.ok(shown.has(`${spec.code.file}#${spec.code.symbol}`), `${manifest.name}/${role}: no slide shows ${spec.code.file}#${spec.code.symbol}`);
        assert.deepEqual(compiler.check(target, original(target)), [], `${manifest.name}/${role}: the slide's own function checks clean`);
        assert.ok(compiler.emit(target, original(target)).has(spec.script), `${manifest.name}/${role}: the edit of ${target.file} reaches ${spec.script}`);
      }
    }
    // Every role program a slide shows code of can be edited (proto.ts's types and the basics' snippets are no role's;
    // a helper shown beside a role's function, such as the sink's loadResult, is not the role's function).
    const roleModules = [...manifests.values()].flatMap((manifest) => Object.values(manifest.roles).map((spec) => `demos/${manifest.name}/${spec.script.replace(/\.js$/, ".ts")}`));
    const editableFiles = new Set([...editable].map((entry) => entry.split("#")[0]));
    for (const entry of shown) {
      const [file] = entry.split("#");
      if (roleModules.includes(file!)) assert.ok(editableFiles.has(file), `${entry} is on a slide and runs as a role, but no function of its role can be edited`);
    }
  });
});
