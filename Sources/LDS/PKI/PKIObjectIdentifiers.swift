// Object identifiers of the X.509 and CMS structures (RFC 5280, RFC 5652, ICAO 9303-10 and -12).

extension OID {
    /// id-ce-subjectKeyIdentifier (RFC 5280 §4.2.1.2).
    public static let subjectKeyIdentifierExtension: OID = "2.5.29.14"
    /// id-ce-keyUsage (RFC 5280 §4.2.1.3).
    public static let keyUsageExtension: OID = "2.5.29.15"
    /// id-ce-privateKeyUsagePeriod (RFC 3280 §4.2.1.4).
    public static let privateKeyUsagePeriodExtension: OID = "2.5.29.16"
    /// id-ce-subjectAltName (RFC 5280 §4.2.1.6).
    public static let subjectAltNameExtension: OID = "2.5.29.17"
    /// id-ce-issuerAltName (RFC 5280 §4.2.1.7).
    public static let issuerAltNameExtension: OID = "2.5.29.18"
    /// id-ce-basicConstraints (RFC 5280 §4.2.1.9).
    public static let basicConstraintsExtension: OID = "2.5.29.19"
    /// id-ce-cRLNumber (RFC 5280 §5.2.3).
    public static let crlNumberExtension: OID = "2.5.29.20"
    /// id-ce-cRLDistributionPoints (RFC 5280 §4.2.1.13).
    public static let crlDistributionPointsExtension: OID = "2.5.29.31"
    /// id-ce-certificatePolicies (RFC 5280 §4.2.1.4).
    public static let certificatePoliciesExtension: OID = "2.5.29.32"
    /// id-ce-authorityKeyIdentifier (RFC 5280 §4.2.1.1).
    public static let authorityKeyIdentifierExtension: OID = "2.5.29.35"
    /// id-ce-extKeyUsage (RFC 5280 §4.2.1.12).
    public static let extendedKeyUsageExtension: OID = "2.5.29.37"
    /// id-ce-freshestCRL (RFC 5280 §4.2.1.15).
    public static let freshestCRLExtension: OID = "2.5.29.46"
    /// id-icao-mrtd-security-extensions-nameChange (ICAO 9303-12 §7.1.1.3).
    public static let icaoNameChangeExtension: OID = "2.23.136.1.1.6.1"
    /// id-icao-mrtd-security-extensions-documentTypeList (ICAO 9303-12 §7.1.1.3).
    public static let icaoDocumentTypeListExtension: OID = "2.23.136.1.1.6.2"

    /// id-icao-cscaMasterList (ICAO 9303-12 §9): the eContentType of a CSCA master list.
    public static let cscaMasterList: OID = "2.23.136.1.1.2"
    /// id-icao-cscaMasterListSigningKey (ICAO 9303-12 §9): the extended key usage of master list signers.
    public static let cscaMasterListSigningKey: OID = "2.23.136.1.1.3"

    /// The eContentType some older document signers wrote for the LDSSecurityObject: 1.3.27.1.1.1 (Belgian and French
    /// passports, before ICAO's arc was assigned).
    public static let ldsSecurityObjectLegacy: OID = "1.3.27.1.1.1"
    /// The eContentType Dutch passports wrote for the LDSSecurityObject: 1.2.528.1.1006.1.20.1 (Sdu).
    public static let ldsSecurityObjectSdu: OID = "1.2.528.1.1006.1.20.1"
}
