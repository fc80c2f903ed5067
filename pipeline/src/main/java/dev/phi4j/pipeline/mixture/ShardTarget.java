package dev.phi4j.pipeline.mixture;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.util.SerializableConfiguration;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;

/**
 * Where and how the parts of a set are written, shipped to the executors that pack them: the shard folder (any
 * Hadoop file system; on the local one shards are written in place, elsewhere through a local temporary file), the
 * row shape, and the tokenizer (to decode the sample rows the report shows).
 */
record ShardTarget(String shardDir, SerializableConfiguration conf, int seqLen, int vocabSize, boolean lossMask,
                   boolean sequenceIndex, int buckets, PartLayout layout, TokenizerSpec tokenizer, int samples)
        implements Serializable {

    static ShardTarget of(String shardDir, Configuration conf, int seqLen, TokenizerSpec tokenizer, boolean lossMask,
                          boolean sequenceIndex, int buckets, PartLayout layout) {
        return new ShardTarget(shardDir, new SerializableConfiguration(conf), seqLen, tokenizer.vocabSize(), lossMask,
                sequenceIndex, buckets, layout, tokenizer, 3);
    }

    /** A shard file being written: a local file, moved to the shard folder by {@link #publish}. */
    record Pending(java.nio.file.Path local, Path destination, boolean inPlace) {}

    Pending create(String fileName) throws IOException {
        Path destination = new Path(shardDir, fileName);
        FileSystem fs = destination.getFileSystem(conf.value());
        if (fs instanceof LocalFileSystem) {
            java.nio.file.Path local = new File(fs.makeQualified(destination).toUri()).toPath();
            Files.createDirectories(local.getParent());
            Files.deleteIfExists(local);                // a retried task rewrites its shard
            return new Pending(local, destination, true);
        }
        java.nio.file.Path local = Files.createTempFile("phi4j-shard-", ".bin");
        Files.delete(local);
        return new Pending(local, destination, false);
    }

    void publish(Pending pending) throws IOException {
        if (!pending.inPlace()) {
            FileSystem fs = pending.destination().getFileSystem(conf.value());
            fs.copyFromLocalFile(true, true, new Path(pending.local().toUri()), pending.destination());
        }
    }

    void discard(Pending pending) throws IOException {
        Files.deleteIfExists(pending.local());
    }
}
