/// This library's version, as `cccd --version` prints it.
public enum CCCDVersion {
    /// Semantic versioning; `-dev` until a release is tagged.
    public static let current = "0.9.0-dev"
}
