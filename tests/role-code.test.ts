/**
 * A learner's version of a role's function, put back into its module, checked and compiled as
 * the bridge does before it runs anything: errors at the learner's own lines, and JavaScript
 * that imports the compiled reporting layer, so it is traced like every role.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { REPO_ROOT } from "../server/http.js";
import { type EditTarget, RoleCompiler } from "../server/role-code/compiler.js";
import { extractSymbol, spliceSymbol } from "../server/role-code/cut.js";
import { editTargetOf } from "../server/role-code/edited-role.js";
import { permissionFlag, sandboxUnavailable } from "../server/role-code/sandbox.js";
import { learnerStackLines } from "../server/role-code/stack-lines.js";
import { removeOrphanedIpcDirs } from "../server/ipc-dirs.js";
import { manifests } from "../protocol/manifests.js";

const SERVER: EditTarget = { demo: "req-rep", file: "server.ts", symbol: "startServer" };
const HANDLER: EditTarget = { demo: "pub-logger", file: "pub-log.ts", symbol: "addZmqHandler" };
const original = (target: EditTarget) =>
  extractSymbol(readFileSync(`${REPO_ROOT}demos/${target.demo}/${target.file}`, "utf8"), target.file, target.symbol);

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
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the learner's edit, as text
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
    const slides = readdirSync(`${REPO_ROOT}slides`)
      .filter((name) => name.endsWith(".md"))
      .map((name) => readFileSync(`${REPO_ROOT}slides/${name}`, "utf8"))
      .join("\n");
    const shown = new Set([...slides.matchAll(/@code (demos\/[\w-]+\/[\w-]+\.ts)#(\w+)/g)].map((match) => `${match[1]}#${match[2]}`));
    const editable = new Set<string>();
    for (const manifest of manifests.values()) {
      for (const [role, spec] of Object.entries(manifest.roles)) {
        if (!spec.code) continue;
        editable.add(`${spec.code.file}#${spec.code.symbol}`);
        const target = editTargetOf(manifest, role);
        assert.ok(
          shown.has(`${spec.code.file}#${spec.code.symbol}`),
          `${manifest.name}/${role}: no slide shows ${spec.code.file}#${spec.code.symbol}`,
        );
        assert.deepEqual(compiler.check(target, original(target)), [], `${manifest.name}/${role}: the slide's own function checks clean`);
        assert.ok(
          compiler.emit(target, original(target)).has(spec.script),
          `${manifest.name}/${role}: the edit of ${target.file} reaches ${spec.script}`,
        );
      }
    }
    // Every role program a slide shows code of can be edited (proto.ts's types and the basics' snippets are no role's;
    // a helper shown beside a role's function, such as the sink's loadResult, is not the role's function).
    const roleModules = [...manifests.values()].flatMap((manifest) =>
      Object.values(manifest.roles).map((spec) => `demos/${manifest.name}/${spec.script.replace(/\.js$/, ".ts")}`),
    );
    const editableFiles = new Set([...editable].map((entry) => entry.split("#")[0]));
    for (const entry of shown) {
      const [file] = entry.split("#");
      if (roleModules.includes(file!))
        assert.ok(editableFiles.has(file), `${entry} is on a slide and runs as a role, but no function of its role can be edited`);
    }
  });
});

describe("the sandbox's Node", () => {
  it("uses the permission model's flag of each Node, and refuses a Node without the flags it needs, saying which is", () => {
    assert.equal(permissionFlag("20.12.0"), "--experimental-permission");
    assert.equal(permissionFlag("20.20.2"), "--experimental-permission");
    assert.equal(permissionFlag("22.12.0"), "--experimental-permission");
    assert.equal(permissionFlag("22.13.0"), "--permission");
    assert.equal(permissionFlag("24.1.0"), "--permission");
    assert.equal(sandboxUnavailable("22.0.0"), undefined);
    assert.match(sandboxUnavailable("20.11.1") ?? "", /needs Node 20\.12 or later; this bridge runs on Node 20\.11\.1/);
    assert.match(sandboxUnavailable("18.19.0") ?? "", /Node 20\.12/);
  });
});

describe("a failing edited role's output", () => {
  const rewrite = learnerStackLines({
    folder: "/tmp/zmq-code-1-AbCdEf/run-XyZ123",
    demo: "req-rep",
    file: "server.ts",
    firstLine: 6,
    lastLine: 16,
    originalLastLine: 15,
  });

  it("names the learner's lines, counted from their function's first line", () => {
    assert.equal(
      rewrite("    at startServer (/tmp/zmq-code-1-AbCdEf/run-XyZ123/server.ts:8:24)"),
      "    at startServer (your code, line 3:24)",
    );
    assert.equal(rewrite("    at file:///tmp/zmq-code-1-AbCdEf/run-XyZ123/server.ts:6:1"), "    at your code, line 1:1");
    assert.equal(
      rewrite("file:///tmp/zmq-code-1-AbCdEf/run-XyZ123/server.ts:9"),
      "your code, line 4",
      "an uncaught exception's first line names the line alone",
    );
  });

  it("names the rest of the module by the demo's own lines, and shows no temporary path", () => {
    assert.equal(
      rewrite("    at <anonymous> (/tmp/zmq-code-1-AbCdEf/run-XyZ123/server.ts:18:53)"),
      "    at <anonymous> (demos/req-rep/server.ts:17:53)",
    );
    assert.equal(
      rewrite("    at <anonymous> (/tmp/zmq-code-1-AbCdEf/run-XyZ123/server.ts:2:1)"),
      "    at <anonymous> (demos/req-rep/server.ts:2:1)",
    );
    assert.equal(
      rewrite("    at work (file:///tmp/zmq-code-1-AbCdEf/run-XyZ123/program.js:9:5)"),
      "    at work (demos/req-rep/program.js:9:5)",
    );
    assert.equal(rewrite("Received request: [ Hello ]"), "Received request: [ Hello ]");
  });
});

describe("a bridge's folders of edited modules", () => {
  it("are removed by the next bridge once their bridge is gone, and only then", () => {
    const temp = mkdtempSync(join(tmpdir(), "code-dirs-"));
    try {
      const gonePid = 2 ** 22 + 17; // above Linux's pid_max default: no such process
      const gone = join(temp, `zmq-code-${gonePid}-AbC123`);
      const live = join(temp, `zmq-code-${process.pid}-XyZ789`);
      mkdirSync(join(gone, "run-AAAAAA"), { recursive: true });
      mkdirSync(live);
      assert.deepEqual(removeOrphanedIpcDirs(temp), [gone]);
      assert.equal(existsSync(live), true);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });
});
