import Foundation
import ICAOSession
import LDS
import Verification

/// Passive authentication of a read, in the domain's terms: the same for a live read, a replay and a dump.
public enum PassiveCheck {
    /// Checks the data groups read against EF.SOD and the SOD's signer against `trust`, at the time of reading.
    public static func run(_ readout: CardReadout, trust: TrustStore?) -> PassiveSummary {
        guard let sod = readout.files[.sod] else {
            return PassiveSummary(verdict: .failed(reason: "EF.SOD was not read"), signer: nil, dataGroups: [],
                                  signature: "not-run", chain: "not-run",
                                  problems: [Problem(code: "SOD_MISSING", field: "EF.SOD", detail: "EF.SOD was not read")])
        }
        return summary(PassiveAuthentication.verify(sod: sod, dataGroups: readout.dataGroups, issuingState: nil,
                                                    trust: trust, at: readout.readAt))
    }

    /// A Verification report as the domain's summary.
    public static func summary(_ report: PassiveAuthenticationReport) -> PassiveSummary {
        let verdict: Verdict
        switch report.verdict {
        case .passed: verdict = .passed
        case .noTrustAnchor: verdict = .noTrustAnchor
        case .failed: verdict = .failed(reason: report.problems.first?.message ?? "passive authentication failed")
        }
        let groups = report.dataGroups.keys.sorted().map { ("DG\($0)", report.dataGroups[$0]!.name) }
        let problems = report.problems.map { p in
            Problem(code: p.code.rawValue, field: p.dataGroup.map { "DG\($0)" } ?? p.certificate, detail: p.message)
        }
        return PassiveSummary(verdict: verdict, signer: report.signer, dataGroups: groups,
                              signature: report.signature.name, chain: report.chain.name, problems: problems)
    }
}
