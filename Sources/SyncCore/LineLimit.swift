/// The length limit of every line of the protocol, in bundle files and in sync sessions alike
/// (`protocol/PROTOCOL.md` §2.1): the one place the number is written.
public enum LineLimit {
    /// The most bytes one line may take, its `\n` included: 1 MiB (1,048,576 bytes). What comes before
    /// the `\n` is therefore at most `maximumBytes - 1` bytes.
    public static let maximumBytes = 1 << 20

    /// Whether a line whose content (the bytes before its `\n`) is `contentBytes` long fits.
    public static func fits(contentBytes: Int) -> Bool { contentBytes < maximumBytes }
}
