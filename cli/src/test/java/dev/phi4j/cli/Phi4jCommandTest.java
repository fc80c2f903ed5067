package dev.phi4j.cli;

import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.trainer.align.PtsConfig;
import dev.phi4j.trainer.train.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Phi4jCommandTest {

    private static final Path ROOT = Path.of(System.getProperty("phi4j.root", ".."));

    private record Result(int exitCode, String out, String err) {}

    private static Result run(String... args) {
        CommandLine command = Phi4j.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter outWriter = new PrintWriter(out);
        PrintWriter errWriter = new PrintWriter(err);
        command.setOut(outWriter);
        command.setErr(errWriter);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream console = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            int code = command.execute(args);
            outWriter.flush();
            errWriter.flush();
            return new Result(code, out + printed.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(console);
        }
    }

    @Test
    void helpListsEverySubcommand() {
        assertEquals(ExitCodes.OK, run("--help").exitCode());
        String usage = Phi4j.commandLine().getUsageMessage();
        for (String name : List.of("pipeline", "mixture", "train", "generate", "serve", "eval", "report", "tokenizer",
                "reproduce", "experiment", "bench", "config", "pts", "judge-pairs", "convert")) {
            assertTrue(usage.contains("  " + name + " "), name + " missing from\n" + usage);
            assertEquals(ExitCodes.OK, run(name, "--help").exitCode(), name + " --help");
        }
    }

    @Test
    void everyBundledConfigIsValid() throws IOException {
        for (String name : List.of("tiny.yaml", "small.yaml", "phi-4.yaml", "tiny-pretrain.yaml", "small-pretrain.yaml",
                "tiny-midtrain.yaml", "teacher-tiny.yaml", "tiny-sft.yaml", "tiny-dpo.yaml", "tiny-arith-sft.yaml",
                "tiny-arith-dpo.yaml", "small-repro.yaml", "small-repro-midtrain.yaml", "small-repro-sft.yaml",
                "small-repro-dpo.yaml")) {
            Phi4jConfig loaded = Phi4jConfig.load(ROOT.resolve("configs").resolve(name), List.of()).config();
            assertEquals(loaded.model().vocabSize(), loaded.tokenizer().modelVocabSize(), name);
        }
        PtsConfig pts = ConfigLoader.load(ROOT.resolve("configs/pts/tiny-arith.yaml"), List.of(), PtsConfig.class)
                .config();
        assertEquals(Path.of("runs/tiny-arith-sft"), pts.checkpoint());
        TrainerConfig dpo = Phi4jConfig.load(ROOT.resolve("configs/tiny-arith-dpo.yaml"), List.of()).config().trainer();
        assertEquals(TrainerConfig.ObjectiveKind.DPO, dpo.objective());
        assertEquals(dpo.initFrom(), Optional.of(pts.checkpoint()), "DPO starts from (and refers to) the model PTS "
                + "searched");
    }

    @Test
    void phi4ConfigReportsFourteenPointSevenBillionParameters() {
        Result shown = run("config", "show", ROOT.resolve("configs/phi-4.yaml").toString());
        assertEquals(ExitCodes.OK, shown.exitCode(), shown.err());
        assertTrue(shown.out().contains("n_kv_heads: 10"), shown.out());
        assertTrue(shown.out().contains("# model: 14.66B parameters"), shown.out());
    }

    @Test
    void configErrorsExitWithUsageAndNameTheKey(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "extends: " + ROOT.toAbsolutePath().resolve("configs/tiny.yaml") + "\nmodel:\n  n_layer: 3\n");
        Result result = run("config", "check", config.toString());
        assertEquals(ExitCodes.USAGE, result.exitCode());
        assertTrue(result.err().contains(config + ":3:3: model.n_layer: unknown key (did you mean 'n_layers'?)"), result.err());

        Result vocab = run("config", "check", ROOT.resolve("configs/tiny.yaml").toString(), "--set", "model.vocab_size=2048");
        assertEquals(ExitCodes.USAGE, vocab.exitCode());
        assertTrue(vocab.err().contains("--set model.vocab_size=2048: model.vocab_size: model.vocab_size (2048) must equal "
                + "the tokenizer's vocabulary (1024 for tokenizer.kind bpe)"), vocab.err());
    }

    @Test
    void committedConfigReferenceIsCurrent() throws IOException {
        Path committed = ROOT.resolve("docs/config-reference.md");
        String generated = ConfigReferenceDoc.markdown();
        if (Boolean.getBoolean("phi4j.regenerate")) {
            Files.writeString(committed, generated);
        }
        assertEquals(generated, Files.readString(committed),
                "docs/config-reference.md is stale: run `bin/phi4j config reference > docs/config-reference.md`");
    }
}
