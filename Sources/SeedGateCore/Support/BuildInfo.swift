/// What build this is: the release version, and the git revision it was built from.
///
/// `revision` comes from `buildRevision`, which the `GitRevision` build plugin (Plugins/GitRevision) writes before
/// each build, rewriting its file only when the revision changed: `git rev-parse --short HEAD` (with `-dirty` for a
/// changed tree), or the `SEEDGATE_GIT_REVISION` variable where the source is not a git clone (a Docker build
/// context); `unknown` when neither is available.
public enum BuildInfo {
    /// The release version (semantic versioning).
    public static let version = "0.13.0"
    /// The git revision (short hash, `-dirty` when the tree had changes), or `unknown`.
    public static var revision: String { buildRevision }
}
