/// The version of ntm, printed by `ntm --version`. Changed here only.
public enum NTMVersion {
    /// The release number, for example `0.12.0`.
    public static let current = "0.12.0"
}
