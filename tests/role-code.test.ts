/**
 * A learner's version of a role's function, put back into its module, checked and compiled as
 * the bridge does before it runs anything: errors at the learner's own lines, and JavaScript
 * that imports the compiled reporting layer, so it is traced like every role.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import { REPO_ROOT } from "../server/http.js";
import { type EditTarget, RoleCompiler } from "../server/role-code/compiler.js";
import { extractSymbol, spliceSymbol } from "../server/role-code/cut.js";

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
