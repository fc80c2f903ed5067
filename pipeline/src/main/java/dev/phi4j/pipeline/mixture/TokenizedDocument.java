package dev.phi4j.pipeline.mixture;

import java.io.Serializable;

/**
 * A pipeline document as token ids: the cached output of tokenization that every set of a build reads (a JavaBean so
 * Spark encodes the token array as a primitive array column). Tokens exclude the {@code <|endoftext|>} the packer puts
 * before each document.
 */
public final class TokenizedDocument implements Serializable {

    private static final long serialVersionUID = 1L;

    private String id;
    private String source;
    private String sourceClass;
    private String group;
    private String originUri;
    private int tokenCount;
    private int[] tokens;

    public TokenizedDocument() {}

    TokenizedDocument(String id, String source, String sourceClass, String group, String originUri, int[] tokens) {
        this.id = id;
        this.source = source;
        this.sourceClass = sourceClass;
        this.group = group;
        this.originUri = originUri;
        this.tokenCount = tokens.length;
        this.tokens = tokens;
    }

    public String getId() { return id; }

    public void setId(String id) { this.id = id; }

    public String getSource() { return source; }

    public void setSource(String source) { this.source = source; }

    public String getSourceClass() { return sourceClass; }

    public void setSourceClass(String sourceClass) { this.sourceClass = sourceClass; }

    /** The mixture group, lower case: web, web_rewrites, synthetic, code, acquired. */
    public String getGroup() { return group; }

    public void setGroup(String group) { this.group = group; }

    public String getOriginUri() { return originUri; }

    public void setOriginUri(String originUri) { this.originUri = originUri; }

    /** Tokens of the document, without the separator. */
    public int getTokenCount() { return tokenCount; }

    public void setTokenCount(int tokenCount) { this.tokenCount = tokenCount; }

    public int[] getTokens() { return tokens; }

    public void setTokens(int[] tokens) { this.tokens = tokens; }
}
