package dev.phi4j.trainer.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The weights of a Hugging Face model folder: {@value #SINGLE}, or the shards {@value #INDEX} maps each tensor to
 * (its {@code weight_map}), as {@code save_pretrained} writes them. Every file is opened (headers checked) up front,
 * its data read lazily through {@link SafetensorsFile}'s mapped windows.
 */
public final class HfWeights implements AutoCloseable {

    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> fileOf;

    private HfWeights(List<SafetensorsFile> files, Map<String, SafetensorsFile> fileOf) {
        this.files = files;
        this.fileOf = fileOf;
    }

    /** Opens the weights in {@code dir}: {@value #SINGLE} if present, else the shards of {@value #INDEX}. */
    public static HfWeights open(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve(SINGLE))) {
            SafetensorsFile file = SafetensorsFile.open(dir.resolve(SINGLE));
            Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
            file.tensors().keySet().forEach(name -> fileOf.put(name, file));
            return new HfWeights(List.of(file), fileOf);
        }
        Path index = dir.resolve(INDEX);
        if (!Files.isRegularFile(index)) {
            throw new IllegalArgumentException(dir + ": has neither " + SINGLE + " nor " + INDEX + " (phi4j reads "
                    + "safetensors only; convert a pytorch_model.bin with Hugging Face's tools first)");
        }
        JsonNode weightMap;
        try {
            weightMap = JSON.readTree(Files.readString(index)).path("weight_map");
        } catch (IOException e) {
            throw new IllegalArgumentException(index + ": not valid JSON: " + e.getMessage());
        }
        if (!weightMap.isObject() || weightMap.isEmpty()) {
            throw new IllegalArgumentException(index + ": lacks a weight_map of tensor names to files");
        }
        Map<String, SafetensorsFile> byFileName = new TreeMap<>();
        Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
        List<SafetensorsFile> opened = new ArrayList<>();
        try {
            for (Iterator<Map.Entry<String, JsonNode>> entries = weightMap.fields(); entries.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = entries.next();
                String fileName = entry.getValue().asText();
                Path shard = dir.resolve(fileName);
                if (!shard.normalize().startsWith(dir.normalize()) || !Files.isRegularFile(shard)) {
                    throw new IllegalArgumentException(index + ": tensor " + entry.getKey() + " is in " + fileName
                            + ", which is not a file in " + dir);
                }
                SafetensorsFile file = byFileName.get(fileName);
                if (file == null) {
                    file = SafetensorsFile.open(shard);
                    byFileName.put(fileName, file);
                    opened.add(file);
                }
                if (!file.tensors().containsKey(entry.getKey())) {
                    throw new IllegalArgumentException(index + ": maps tensor " + entry.getKey() + " to " + fileName
                            + ", whose header has no such tensor");
                }
                fileOf.put(entry.getKey(), file);
            }
            for (SafetensorsFile file : opened) {
                for (String name : file.tensors().keySet()) {
                    SafetensorsFile listed = fileOf.get(name);
                    if (listed != file) {
                        throw new IllegalArgumentException(file.path() + ": holds tensor " + name + ", which " + INDEX
                                + (listed == null ? " does not list" : " maps to " + listed.path().getFileName()));
                    }
                }
            }
        } catch (RuntimeException e) {
            opened.forEach(SafetensorsFile::close);
            throw e;
        }
        return new HfWeights(List.copyOf(opened), fileOf);
    }

    /** Every tensor's name, in the order the files list them. */
    public Iterable<String> names() {
        return Collections.unmodifiableSet(fileOf.keySet());
    }

    /** The tensor {@code name} and the file holding it, or null if no file does. */
    public Located find(String name) {
        SafetensorsFile file = fileOf.get(name);
        return file == null ? null : new Located(file, file.tensors().get(name));
    }

    /** A tensor with the file it is read from. */
    public record Located(SafetensorsFile file, SafetensorsFile.Tensor tensor) {

        public void read(long from, float[] out, int count) {
            file.read(tensor, from, out, count);
        }
    }

    /** The files, for messages: one, or the shards. */
    public List<Path> paths() {
        return files.stream().map(SafetensorsFile::path).toList();
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
