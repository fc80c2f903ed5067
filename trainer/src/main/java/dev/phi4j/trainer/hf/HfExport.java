package dev.phi4j.trainer.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.tokenizer.Tokenizer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A phi4j model as a Hugging Face {@code Phi3ForCausalLM} folder that {@code from_pretrained}, vLLM and llama.cpp's
 * converter read: {@code config.json}, the weights as {@code model.safetensors} or, above the shard size, as
 * {@code model-0000k-of-0000n.safetensors} with {@code model.safetensors.index.json}, and the tokenizer as
 * {@code tokenizer.json} and {@code tokenizer_config.json}. Only the model: no optimizer state. Written into a hidden
 * sibling folder and renamed into place, so a folder that exists is complete.
 */
public final class HfExport {

    /** transformers' default {@code max_shard_size}, "5GB". */
    public static final long DEFAULT_SHARD_BYTES = 5_000_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HfExport() {}

    /** What was written: the weight files, and the bytes of tensor data in them. */
    public record Written(Path dir, List<Path> weightFiles, long dataBytes) {}

    /**
     * Writes {@code net} ({@code model}'s shape) and {@code tokenizer} into the new folder {@code out}, weights as
     * {@code dtype}, at most {@code shardBytes} of tensor data per file (a larger tensor gets a file of its own).
     */
    public static Written write(ComputationGraph net, ModelConfig model, Tokenizer tokenizer, Path out,
                                SafetensorsDtype dtype, long shardBytes) throws IOException {
        if (shardBytes < 1) {
            throw new IllegalArgumentException("the shard size must be positive, got " + shardBytes);
        }
        if (Files.exists(out) && !isEmptyDirectory(out)) {
            throw new IllegalArgumentException(out + ": exists and is not empty; choose a new folder");
        }
        ObjectNode config = Phi3Config.toJson(model, tokenizer.specialTokens(), torchDtype(dtype));
        Path partial = out.toAbsolutePath().resolveSibling("." + out.getFileName() + ".partial");
        deleteTree(partial);
        Files.createDirectories(partial);
        Map<String, INDArray> params = net.paramTable();
        List<List<SafetensorsWriter.Entry>> shards = shards(Phi3Layout.tensors(model), params, dtype, shardBytes);
        List<Path> files = new ArrayList<>();
        ObjectNode weightMap = JSON.createObjectNode();
        long total = 0;
        for (int s = 0; s < shards.size(); s++) {
            String name = shards.size() == 1 ? HfWeights.SINGLE
                    : String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", s + 1, shards.size());
            SafetensorsWriter.write(partial.resolve(name), dtype, shards.get(s), Map.of("format", "pt"));
            files.add(out.resolve(name));
            total += SafetensorsWriter.dataBytes(dtype, shards.get(s));
            shards.get(s).forEach(entry -> weightMap.put(entry.name(), name));
        }
        if (shards.size() > 1) {
            ObjectNode index = JSON.createObjectNode();
            index.putObject("metadata").put("total_size", total);
            index.set("weight_map", weightMap);
            Files.writeString(partial.resolve(HfWeights.INDEX), JSON.writeValueAsString(index) + "\n");
        }
        Phi3Config.write(partial, config);
        HfTokenizerJson.write(partial, tokenizer, model.contextLength());
        if (Files.exists(out)) {
            Files.delete(out);                                  // the empty folder checked above
        }
        Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE);
        return new Written(out, files, total);
    }

    /** Consecutive tensors grouped so that no group's data exceeds {@code shardBytes} unless one tensor does. */
    private static List<List<SafetensorsWriter.Entry>> shards(List<Phi3Layout.Tensor> tensors,
                                                              Map<String, INDArray> params, SafetensorsDtype dtype,
                                                              long shardBytes) {
        List<List<SafetensorsWriter.Entry>> shards = new ArrayList<>();
        List<SafetensorsWriter.Entry> current = new ArrayList<>();
        long bytes = 0;
        for (Phi3Layout.Tensor tensor : tensors) {
            long size = tensor.elements() * dtype.bytes();
            if (!current.isEmpty() && bytes + size > shardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(new SafetensorsWriter.Entry(tensor.name(), tensor.shape(),
                    (from, values, count) -> tensor.read(params, from, values, count)));
            bytes += size;
        }
        shards.add(current);
        return shards;
    }

    /** config.json's torch_dtype for the stored type. */
    static String torchDtype(SafetensorsDtype dtype) {
        return switch (dtype) {
            case F32 -> "float32";
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            default -> throw new IllegalArgumentException(dtype + ": phi4j writes weights as F32, F16 or BF16");
        };
    }

    /** "5GB", "500MB", "1.5GiB", "4096" (bytes), as transformers' max_shard_size reads them. */
    public static long parseSize(String text) {
        String trimmed = text.trim().toUpperCase(Locale.ROOT);
        String[][] units = {{"GIB", "1073741824"}, {"MIB", "1048576"}, {"KIB", "1024"}, {"GB", "1000000000"},
                {"MB", "1000000"}, {"KB", "1000"}, {"B", "1"}};
        for (String[] unit : units) {
            if (trimmed.endsWith(unit[0])) {
                return parse(text, trimmed.substring(0, trimmed.length() - unit[0].length()), Long.parseLong(unit[1]));
            }
        }
        return parse(text, trimmed, 1);
    }

    private static long parse(String text, String number, long unit) {
        try {
            double value = Double.parseDouble(number.trim());
            if (value <= 0) {
                throw new NumberFormatException();
            }
            return (long) Math.ceil(value * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("shard size '" + text + "': write a positive size like 5GB, 500MB or "
                    + "2GiB");
        }
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
