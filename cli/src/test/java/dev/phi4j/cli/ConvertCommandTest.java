package dev.phi4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.model.ModelPresets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code phi4j convert} both ways and {@code phi4j tokenizer compare-hf}, as a user runs them: a tiny checkpoint
 * exported, checked and imported back generates exactly what the original does.
 */
class ConvertCommandTest {

    @TempDir
    static Path dir;

    static Path run;
    static Path hf;

    @BeforeAll
    static void exportTinyCheckpoint() throws IOException {
        run = dir.resolve("run");
        TinyCheckpoint.write(run, ModelPresets.TINY);
        hf = dir.resolve("tiny-hf");
        CliRun.Result export = CliRun.run("convert", "--from", "phi4j", run.toString(), "--to", "hf", hf.toString(),
                "--shard-size", "200kB");
        assertEquals(ExitCodes.OK, export.exitCode(), export.err());
        assertTrue(export.out().contains("as Phi3ForCausalLM: 4 weight files, 894.2 kB of F32"), export.out());
    }

    @Test
    void exportWritesAShardedPhi3Folder() {
        for (String file : List.of("config.json", "model.safetensors.index.json", "model-00001-of-00004.safetensors",
                "model-00004-of-00004.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            assertTrue(Files.isRegularFile(hf.resolve(file)), file);
        }
    }

    @Test
    void importedCheckpointGeneratesWhatTheOriginalDoes() {
        Path back = dir.resolve("back");
        CliRun.Result imported = CliRun.run("convert", "--from", "hf", hf.toString(), "--to", "phi4j",
                back.toString(), "--tokenizer", run.resolve("tokenizer.bpe").toString());
        assertEquals(ExitCodes.OK, imported.exitCode(), imported.err());
        assertTrue(imported.out().contains("tokenizer.json: the same tokenizer as phi4j-bpe vocab 1024"),
                imported.out());
        assertTrue(imported.out().contains("223.6K parameters, 2 layers, d_model 64, 4/2 heads, context 128"),
                imported.out());

        String[] generate = {"--prompt", "The lighthouse keeper", "--max-tokens", "8", "--temperature", "0"};
        CliRun.Result original = CliRun.run(concat(List.of("generate", "--checkpoint", run.toString()), generate));
        CliRun.Result converted = CliRun.run(concat(List.of("generate", "--checkpoint", back.toString()), generate));
        assertEquals(ExitCodes.OK, converted.exitCode(), converted.err());
        assertEquals(original.out(), converted.out());
    }

    @Test
    void compareHfFindsTheSameTokenizerAndReportsAnAlteredOne() throws IOException {
        CliRun.Result same = CliRun.run("tokenizer", "compare-hf", hf.resolve("tokenizer.json").toString(),
                "--tokenizer", run.resolve("tokenizer.bpe").toString());
        assertEquals(ExitCodes.OK, same.exitCode(), same.err());
        assertTrue(same.out().endsWith("same tokenizer\n"), same.out());

        ObjectMapper json = new ObjectMapper();
        ObjectNode tokenizer = (ObjectNode) json.readTree(hf.resolve("tokenizer.json").toFile());
        ((ObjectNode) ((ArrayNode) tokenizer.path("added_tokens")).get(1)).put("id", 7);
        Path altered = dir.resolve("altered-tokenizer.json");
        json.writeValue(altered.toFile(), tokenizer);
        CliRun.Result differs = CliRun.run("tokenizer", "compare-hf", altered.toString(),
                "--tokenizer", run.resolve("tokenizer.bpe").toString());
        assertEquals(ExitCodes.FAILED, differs.exitCode(), differs.out());
        assertTrue(differs.out().matches("(?s).*special tokens: [0-9,]+ compared, 1 differ.*"), differs.out());
        assertTrue(differs.out().contains("<|im_start|>: id "), differs.out());
        assertTrue(differs.out().endsWith("the tokenizers differ\n"), differs.out());
    }

    @Test
    void mistakesAreUsageErrorsThatSayWhatToDo() {
        CliRun.Result phi4Tokenizer = CliRun.run("convert", "--from", "hf", hf.toString(), "--to", "phi4j",
                dir.resolve("wrong-tokenizer").toString());
        assertEquals(ExitCodes.USAGE, phi4Tokenizer.exitCode(), phi4Tokenizer.out());
        assertTrue(phi4Tokenizer.err().contains("config.json: vocab_size 1024 but the tokenizer 'phi-4 (cl100k_base)' "
                + "has 100352 ids"), phi4Tokenizer.err());

        CliRun.Result same = CliRun.run("convert", "--from", "hf", hf.toString(), "--to", "hf", "x");
        assertEquals(ExitCodes.USAGE, same.exitCode());
        assertTrue(same.err().contains("--from and --to are both hf"), same.err());

        CliRun.Result exists = CliRun.run("convert", "--from", "phi4j", run.toString(), "--to", "hf", hf.toString());
        assertEquals(ExitCodes.USAGE, exists.exitCode());
        assertTrue(exists.err().contains("exists and is not empty"), exists.err());

        CliRun.Result dtype = CliRun.run("convert", "--from", "phi4j", run.toString(), "--to", "hf",
                dir.resolve("fp8").toString(), "--dtype", "f8");
        assertEquals(ExitCodes.USAGE, dtype.exitCode());
        assertTrue(dtype.err().contains("dtype 'f8': choose f32, f16 or bf16"), dtype.err());
    }

    private static String[] concat(List<String> head, String[] tail) {
        String[] all = new String[head.size() + tail.length];
        for (int i = 0; i < head.size(); i++) {
            all[i] = head.get(i);
        }
        System.arraycopy(tail, 0, all, head.size(), tail.length);
        return all;
    }
}
