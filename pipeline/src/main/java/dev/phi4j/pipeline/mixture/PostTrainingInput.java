package dev.phi4j.pipeline.mixture;

/** How SFT and DPO sets read their files. */
public enum PostTrainingInput {
    /** By file name: {@code .parquet} or a folder of Parquet files, else JSONL. */
    AUTO,
    /** One JSON object per line (see pipeline/README.md for the fields). */
    JSONL,
    /** The phi4j record schema ({@code Conversation} or {@code PreferencePair}), as the pipeline writes it. */
    PARQUET
}
