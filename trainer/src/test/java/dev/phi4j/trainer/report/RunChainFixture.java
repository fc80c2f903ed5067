package dev.phi4j.trainer.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small recipe on disk, written as phi4j train, phi4j eval and phi4j mixture build lay their files out: a pipeline
 * run {@code runs/pipe} with a dataset report and pretrain and midtrain sets, then three phases chained by
 * {@code trainer.init_from}: {@code pre} (pretraining, its set found only by the data fingerprint, as a
 * {@code reproduce} run's is), {@code mid} (midtraining at 4× the context and θ 250,000 on {@code trainer.data.shards};
 * started from {@code runs/pre}) and {@code dpo} (started from a checkpoint folder of mid, on shards no mixture build
 * wrote, never evaluated). Losses follow closed forms so tests can recompute what the report must show.
 */
final class RunChainFixture {

    static final String FINGERPRINT = "sha256:5f1c0a7e0000000000000000000000000000000000000000000000000000beef";
    static final int PRE_STEPS = 20;
    static final int MID_STEPS = 12;
    static final int DPO_STEPS = 6;

    private RunChainFixture() {}

    /** Pretraining loss at {@code step}: falls from 7 by 0.25 a step, with a wiggle so the last steps differ. */
    static double preLoss(int step) {
        return 7 - 0.25 * step + 0.1 * (step % 3);
    }

    static double midLoss(int step) {
        return 2.5 - 0.05 * step;
    }

    static double dpoLoss(int step) {
        return 0.6931 - 0.01 * step;
    }

    /** Writes the recipe under {@code root}; returns {@code root/runs}. */
    static Path write(Path root) throws IOException {
        Path runs = root.resolve("runs");
        Path pipe = runs.resolve("pipe");
        write(pipe.resolve("report.html"), "<!DOCTYPE html><title>dataset report</title>");
        write(pipe.resolve("_run.json"), "{\"run\": \"pipe\"}");
        mixture(pipe.resolve("mixtures/pretrain"), "pretrain", FINGERPRINT, 128);
        mixture(pipe.resolve("mixtures/midtrain"), "midtrain", "sha256:0123", 512);

        Path pre = runs.resolve("pre");
        config(pre, "pre", 128, 10_000, "", "next_token", "text_files: []", PRE_STEPS);
        List<String> preMetrics = new ArrayList<>(List.of(start(223_552, 4096)));
        for (int step = 1; step <= PRE_STEPS; step++) {
            preMetrics.add(step(step, preLoss(step), 4096L * step, 0.5 * step, ""));
            if (step % 10 == 0) {
                preMetrics.add(String.format(Locale.ROOT, "{\"event\":\"eval\",\"step\":%d,\"val_loss\":%s}", step,
                        5.0 + step / 100.0));
            }
        }
        preMetrics.add(1, "{\"event\":\"step\",\"step\":1,\"loss\":NaN cut short");   // an interrupted line: skipped
        write(pre.resolve("metrics.jsonl"), String.join("\n", preMetrics) + "\n");
        checkpoint(pre, PRE_STEPS, FINGERPRINT);
        Path preEval = pre.resolve("eval");
        write(preEval.resolve("passkey.json"), task("passkey", "runs/pre/checkpoints/step-00000020",
                "{\"accuracy@256\": 0.0, \"accuracy@512\": 0.0}", ""));
        write(preEval.resolve("position-ppl.json"), task("position-ppl", "runs/pre/checkpoints/step-00000020",
                "{\"ppl@256\": 9.5, \"last_bucket_ppl@256\": 13.25, \"ppl@512\": 12.0, \"last_bucket_ppl@512\": 19.0}",
                ""));
        write(preEval.resolve("mc.json"), task("mc", "runs/pre/checkpoints/step-00000020",
                "{\"acc\": 0.25, \"acc_norm\": 0.125}", ", \"clean_metrics\": {\"acc\": 0.5, \"acc_norm\": 0.0}, "
                        + "\"contamination\": {\"clean\": 6, \"partial\": 1, \"contaminated\": 1}"));
        // a later phi4j eval with other tasks rewrote the summary; the earlier TASK.json files stay and count
        write(preEval.resolve("summary.json"), "{\"mc\": {\"metrics\": {\"acc\": 0.25}}}");

        Path mid = runs.resolve("mid");
        config(mid, "mid", 512, 250_000, "runs/pre", "next_token",
                "shards: runs/pipe/mixtures/midtrain/shards", MID_STEPS);
        List<String> midMetrics = new ArrayList<>(List.of(start(223_552, 2048)));
        for (int step = 1; step <= MID_STEPS; step++) {
            midMetrics.add(step(step, midLoss(step), 2048L * step, 2.0 * step, ""));
        }
        midMetrics.add("{\"event\":\"eval\",\"step\":12,\"val_loss\":2.125}");
        write(mid.resolve("metrics.jsonl"), String.join("\n", midMetrics) + "\n");
        checkpoint(mid, MID_STEPS, "sha256:0123");
        Path midEval = mid.resolve("eval");
        write(midEval.resolve("passkey.json"), task("passkey", "runs/mid/checkpoints/step-00000012",
                "{\"accuracy@512\": 0.5, \"accuracy@1024\": 0.25}", ""));
        write(midEval.resolve("position-ppl.json"), task("position-ppl", "runs/mid/checkpoints/step-00000012",
                "{\"ppl@512\": 8.0, \"last_bucket_ppl@512\": 9.75}", ""));
        write(midEval.resolve("mc.json"), task("mc", "runs/mid/checkpoints/step-00000012",
                "{\"acc\": 0.5, \"acc_norm\": 0.375}", ""));
        write(mid.resolve("report.md"), "# Run report: mid\n\n## Long-context evaluation (books)\n\n"
                + "| length | passkey before | passkey after |\n|---:|---:|---:|\n| 512 | 0% | 50% |\n");

        Path dpo = runs.resolve("dpo");
        config(dpo, "dpo", 512, 250_000, "runs/mid/checkpoints/step-00000012", "dpo",
                "shards: runs/elsewhere/shards", DPO_STEPS);
        List<String> dpoMetrics = new ArrayList<>(List.of(start(223_552, 8192)));
        for (int step = 1; step <= DPO_STEPS; step++) {
            dpoMetrics.add(step(step, dpoLoss(step), 8192L * step, 1.0 * step, ",\"rewards/accuracies\":0.5"));
        }
        dpoMetrics.add("{\"event\":\"eval\",\"step\":6,\"val_loss\":0.66,\"val_rewards/accuracies\":0.625,"
                + "\"val_rewards/margins\":0.04}");
        write(dpo.resolve("metrics.jsonl"), String.join("\n", dpoMetrics) + "\n");
        checkpoint(dpo, DPO_STEPS, "sha256:4567");
        return runs;
    }

    private static void mixture(Path set, String kind, String fingerprint, int seqLen) throws IOException {
        Files.createDirectories(set.resolve("shards"));
        write(set.resolve("_mixture.json"), """
                {"format": "phi4j-mixture", "version": 1, "name": "%1$s", "kind": "%1$s",
                 "inputs": [{"groups": ["web", "code"], "run": "runs/pipe", "stage_dir": "03-decontam"}],
                 "shards": {"path": "shards", "seq_len": %3$d, "manifest_sha256": "%2$s",
                   "splits": {"train": {"files": 1, "sequences": 430, "tokens": 55470, "loss_tokens": 0,
                                        "padding_tokens": 0, "dropped_tail_tokens": 142},
                              "validation": {"files": 1, "sequences": 2, "tokens": 258, "loss_tokens": 0,
                                             "padding_tokens": 0, "dropped_tail_tokens": 44}}},
                 "sections": {"mixture.table": {"kind": "%1$s", "seq_len": %3$d, "budget": 55728,
                   "auto_budget": true, "written_tokens": 55042, "validation_tokens": 257, "buckets": [
                   {"name": "web", "target_share": 0.15, "effective_share": 0.4, "realized_share": 0.4125,
                    "unique_tokens": 1599, "documents": 3, "written_tokens": 22700, "epochs": 11.6,
                    "realized_epochs": 11.65, "max_epochs": 16.0, "capped": false, "validation_tokens": 0},
                   {"name": "code", "target_share": 0.2, "effective_share": 0.6, "realized_share": 0.5875,
                    "unique_tokens": 1548, "documents": 3, "written_tokens": 32342, "epochs": 16.0,
                    "realized_epochs": 15.92, "max_epochs": 16.0, "capped": true, "validation_tokens": 110}]}}}
                """.formatted(kind, fingerprint, seqLen));
    }

    private static void config(Path run, String name, int context, int theta, String initFrom, String objective,
                               String data, int maxSteps) throws IOException {
        write(run.resolve("config.yaml"), String.join("\n",
                "run:",
                "  name: " + name + "  # a resolved config carries each value's origin as a comment",
                "  output_dir: runs",
                "  seed: 1234",
                "model:",
                "  vocab_size: 1024",
                "  d_model: 64",
                "  n_layers: 2",
                "  n_heads: 4",
                "  n_kv_heads: 2",
                "  ffn_hidden: 176",
                "  context_length: " + context,
                "  rope_theta: " + theta + ".0",
                "  rope_scaling:",
                "    kind: none",
                "    factor: 1.0",
                "trainer:",
                initFrom.isEmpty() ? "  objective: " + objective : "  init_from: " + initFrom + "\n  objective: "
                        + objective,
                "  optimizer:",
                "    lr: 3.0e-4",
                "  max_steps: " + maxSteps,
                "  data:",
                "    " + data,
                ""));
    }

    private static String start(long parameters, long tokensPerStep) {
        return String.format(Locale.ROOT, "{\"event\":\"start\",\"step\":0,\"parameters\":%d,\"tokens_per_step\":%d,"
                + "\"masking\":\"documents\"}", parameters, tokensPerStep);
    }

    private static String step(int step, double loss, long tokens, double elapsed, String extra) {
        return String.format(Locale.ROOT, "{\"event\":\"step\",\"step\":%d,\"loss\":%s,\"lr\":3.0E-4,\"grad_norm\":1.0,"
                + "\"skipped\":false,\"tokens\":%d,\"elapsed_s\":%s%s}", step, loss, tokens, elapsed, extra);
    }

    private static void checkpoint(Path run, int step, String fingerprint) throws IOException {
        String name = String.format(Locale.ROOT, "step-%08d", step);
        Path folder = run.resolve("checkpoints").resolve(name);
        write(folder.resolve("model.json"), "{\"format\": \"phi4j-model\", \"version\": 2, \"step\": " + step + "}");
        write(folder.resolve("training.json"), "{\"format\": \"phi4j-training-state\", \"version\": 2, \"step\": "
                + step + ", \"state\": {\"step\": " + step + ", \"data_fingerprint\": \"" + fingerprint + "\"}}");
        write(run.resolve("checkpoints/LATEST"), name + "\n");
    }

    private static String task(String task, String model, String metrics, String more) {
        return "{\"task\": \"" + task + "\", \"model\": \"" + model + "\", \"metrics\": " + metrics + more
                + ", \"items\": 8, \"seconds\": 1.0, \"items_per_s\": 8.0, \"settings\": {}, \"records\": []}";
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
