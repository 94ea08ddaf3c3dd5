// Times the ONNX models of export_models.py in ONNX Runtime's CPU build (onnxruntime-node 1.30), one intra-op thread.
// The node binding costs about 11 us per call, so besides the call time this reports the kernel time ONNX Runtime's
// own profiler measures: per run, the sum of its node events, median over the timed runs.
// Install beside this script: npm install --ignore-scripts onnxruntime-node@1.30.0 (the install script only fetches
// GPU parts). Run: node ort_bench.js [model name prefixes]
const fs = require("fs");
const path = require("path");
const ort = require("onnxruntime-node");

const median = (values) => { const s = [...values].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function time(file) {
  const profilePrefix = path.join(__dirname, "profile_" + path.basename(file, ".onnx"));
  const session = await ort.InferenceSession.create(file, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: "sequential", enableProfiling: true, profileFilePrefix: profilePrefix,
  });
  const input = session.inputNames[0];
  const shape = JSON.parse(fs.readFileSync(file + ".shape", "utf8"));
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size).map(() => Math.random());
  const feeds = { [input]: new ort.Tensor("float32", data, shape) };
  for (let i = 0; i < 20; i++) await session.run(feeds);
  const runs = size > 100000 ? 50 : 300;
  const calls = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    calls.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  await session.endProfiling();
  await session.release();
  // The profile is written as <prefix>_<date>.json.
  const base = path.basename(profilePrefix);
  const profile = fs.readdirSync(__dirname).filter((f) => f.startsWith(base) && f.endsWith(".json")).map((f) => path.join(__dirname, f))[0];
  const events = JSON.parse(fs.readFileSync(profile, "utf8"));
  fs.unlinkSync(profile);
  // Node events carry args.op_name; the runs are the model_run events, in order: sum each run's node time.
  const runsEvents = events.filter((e) => e.name === "model_run");
  const nodes = events.filter((e) => e.cat === "Node" && e.name.endsWith("_kernel_time"));
  const perRun = runsEvents.slice(-runs).map((r) => nodes.filter((n) => n.ts >= r.ts && n.ts <= r.ts + r.dur).reduce((a, n) => a + n.dur, 0));
  return { call: median(calls), kernels: median(perRun), modelRun: median(runsEvents.slice(-runs).map((r) => r.dur)) };
}

(async () => {
  console.log(`onnxruntime-node ${require("onnxruntime-node/package.json").version}, 1 intra-op thread`);
  // Arguments, when given, select the models whose file name starts with one of them: node ort_bench.js GroupNorm ExciteMul
  const wanted = process.argv.slice(2);
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith(".onnx") && (wanted.length === 0 || wanted.some((w) => f.startsWith(w))));
  for (const file of files.sort()) {
    const t = await time(path.join(__dirname, file));
    console.log(`${file.padEnd(24)} kernels ${t.kernels.toFixed(1).padStart(9)} us   model_run ${t.modelRun.toFixed(1).padStart(9)} us   call ${t.call.toFixed(1).padStart(9)} us`);
  }
})();
