/// What build this is: the release version, and the git revision it was built from.
///
/// `revision` comes from `buildRevision`, which the `GitRevision` build plugin (Plugins/GitRevision) writes when
/// SwiftPM plans a build (a clean build, or after files were added or the manifest changed; a commit alone does not
/// make SwiftPM run it again, so a developer's incremental build may show an earlier revision), rewriting its file only
/// when the revision changed: `git rev-parse --short HEAD` (with `-dirty` for a changed tree), or the
/// `SEEDGATE_GIT_REVISION` variable where the source is not a git clone (a Docker build context); `unknown` when
/// neither is available. CI and Docker build from scratch, so their binaries name their revision exactly.
public enum BuildInfo {
    /// The release version (semantic versioning).
    public static let version = "0.13.0"
    /// The git revision (short hash, `-dirty` when the tree had changes), or `unknown`.
    public static var revision: String { buildRevision }
}
