package dev.phi4j.cli;

import dev.phi4j.core.tokenizer.Phi4Tokenizer;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.trainer.checkpoint.ModelCheckpoint;
import dev.phi4j.trainer.hf.HfExport;
import dev.phi4j.trainer.hf.HfImport;
import dev.phi4j.trainer.hf.HfTokenizerFile;
import dev.phi4j.trainer.hf.HfTokenizerJson;
import dev.phi4j.trainer.hf.SafetensorsDtype;
import dev.phi4j.trainer.hf.TokenizerComparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "convert", mixinStandardHelpOptions = true, description = {
        "Convert model checkpoints between phi4j and Hugging Face's Phi3ForCausalLM (config.json + safetensors).",
        "Example: phi4j convert --from hf ~/models/phi-4 --to phi4j runs/phi-4-hf",
        "         phi4j convert --from phi4j runs/tiny --to hf exports/tiny-hf --dtype bf16 --shard-size 2GB",
        "Import reads model.safetensors or the shards of model.safetensors.index.json (F32, F16, BF16, memory-mapped)",
        "into OUT/checkpoints/hf-import, a model checkpoint that generate, serve, eval, pts and trainer.init_from load.",
        "Export writes config.json, the weights (sharded above --shard-size, with the index), tokenizer.json and",
        "tokenizer_config.json into the new folder OUT; no optimizer state.",
        "Supported: Phi-3/Phi-4 configs with full rotary embeddings, no rope_scaling, untied embeddings, no biases",
        "(phi-4 yes; Phi-4-mini no: tied embeddings, partial_rotary_factor 0.75, longrope)."})
final class ConvertCommand implements Callable<Integer> {

    enum Format { HF, PHI4J }

    @Option(names = "--from", required = true, paramLabel = "FORMAT", description = "hf or phi4j: what IN is")
    Format from;

    @Option(names = "--to", required = true, paramLabel = "FORMAT", description = "phi4j or hf: what OUT becomes")
    Format to;

    @Parameters(index = "0", paramLabel = "IN",
            description = "a Hugging Face model folder, or a phi4j run, checkpoints directory or checkpoint folder")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "the folder to write (new, or empty)")
    Path out;

    @Option(names = "--tokenizer", defaultValue = "phi4", paramLabel = "TOKENIZER",
            description = "import: the checkpoint's tokenizer, phi4 or a phi4j BPE file of the model's vocabulary "
                    + "(default: ${DEFAULT-VALUE})")
    String tokenizer;

    @Option(names = "--dtype", defaultValue = "f32", paramLabel = "TYPE",
            description = "export: f32 (exact), bf16 or f16 (rounded to nearest even) (default: ${DEFAULT-VALUE})")
    String dtype;

    @Option(names = "--shard-size", defaultValue = "5GB", paramLabel = "SIZE",
            description = "export: most tensor bytes per safetensors file, e.g. 5GB, 500MB, 2GiB "
                    + "(default: ${DEFAULT-VALUE}, as transformers)")
    String shardSize;

    @Override
    public Integer call() throws IOException {
        if (from == to) {
            throw new IllegalArgumentException("--from and --to are both " + from.name().toLowerCase(Locale.ROOT)
                    + ": convert --from hf … --to phi4j …, or --from phi4j … --to hf …");
        }
        long start = System.nanoTime();
        if (from == Format.HF) {
            importHf();
        } else {
            exportHf();
        }
        System.out.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - start) / 1e9);
        return ExitCodes.OK;
    }

    private void importHf() throws IOException {
        Tokenizer chosen = TokenizerCommand.open(tokenizer);
        TokenizerConfig config = tokenizer.equals("phi4")
                ? new TokenizerConfig(TokenizerConfig.Kind.PHI4, Optional.empty(), Phi4Tokenizer.VOCAB_SIZE, List.of())
                : new TokenizerConfig(TokenizerConfig.Kind.BPE, Optional.of(Path.of(tokenizer)), chosen.vocabSize(),
                        List.of());
        Path tokenizerJson = in.resolve(HfTokenizerJson.FILE);
        if (Files.isRegularFile(tokenizerJson)) {
            TokenizerComparison comparison = TokenizerComparison.compare(chosen, HfTokenizerFile.read(tokenizerJson),
                    TokenizerComparison.defaultProbes());
            System.out.println(comparison.matches()
                    ? "tokenizer.json: the same tokenizer as " + chosen.name()
                    : "warning: tokenizer.json differs from " + chosen.name() + " (phi4j tokenizer compare-hf "
                    + tokenizerJson + " lists how); the checkpoint uses " + chosen.name());
        }
        HfImport.Imported imported = HfImport.toCheckpoint(in, out, chosen, config);
        imported.notes().forEach(note -> System.out.println("note: " + note));
        System.out.printf(Locale.ROOT, "imported %s: %s parameters, %d layers, d_model %d, %d/%d heads, context %,d, "
                        + "θ %,.0f, tokenizer %s%n", in, Sizes.count(imported.model().parameterCount()),
                imported.model().nLayers(), imported.model().dModel(), imported.model().nHeads(),
                imported.model().nKvHeads(), imported.model().contextLength(), imported.model().ropeTheta(),
                chosen.name());
        System.out.println("wrote " + out.resolve("checkpoints").resolve(HfImport.CHECKPOINT_NAME)
                + "; try: phi4j generate --checkpoint " + out + " --prompt 'Hello'");
    }

    private void exportHf() throws IOException {
        SafetensorsDtype type = SafetensorsDtype.ofWeightName(dtype);
        long shardBytes = HfExport.parseSize(shardSize);
        ModelCheckpoint checkpoint = ModelCheckpoint.load(in);
        HfExport.Written written = HfExport.write(checkpoint.net(), checkpoint.model(), checkpoint.tokenizer(), out,
                type, shardBytes);
        System.out.printf(Locale.ROOT, "exported %s (step %d, %s parameters) as Phi3ForCausalLM: %d weight file%s, "
                        + "%s of %s%n", checkpoint.directory(), checkpoint.step(),
                Sizes.count(checkpoint.model().parameterCount()), written.weightFiles().size(),
                written.weightFiles().size() == 1 ? "" : "s", Sizes.bytes(written.dataBytes()), type);
        System.out.println("wrote " + out + " (config.json, " + String.join(", ",
                written.weightFiles().stream().map(p -> p.getFileName().toString()).limit(3).toList())
                + (written.weightFiles().size() > 3 ? ", …" : "") + ", tokenizer.json, tokenizer_config.json)");
    }
}
