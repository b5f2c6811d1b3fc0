/// The version `kawan version` prints and `/metrics` reports in `kawan_build_info`.
public enum KawanVersion {
    public static let string = "0.1.0"
}
