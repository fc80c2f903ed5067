package dev.phi4j.core.schema;

/**
 * What kind of data a document is; decides which {@link MixtureGroup} its tokens count towards.
 * Stored in Parquet as the lower-case name ({@code web_rewrite}).
 */
public enum SourceClass {
    WEB(MixtureGroup.WEB),
    WEB_REWRITE(MixtureGroup.WEB_REWRITES),
    SYNTHETIC(MixtureGroup.SYNTHETIC),
    CODE(MixtureGroup.CODE),
    QA(MixtureGroup.ACQUIRED),
    BOOKS(MixtureGroup.ACQUIRED),
    ACADEMIC(MixtureGroup.ACQUIRED),
    OTHER(MixtureGroup.ACQUIRED);

    private final MixtureGroup group;

    SourceClass(MixtureGroup group) {
        this.group = group;
    }

    public MixtureGroup group() {
        return group;
    }
}
