import CardIO
import ICAOCrypto

/// Basic access control (ICAO 9303-11 §4.3 and §9.7.2–9.7.3, worked example in Appendix D.3).
///
/// The terminal's randomness comes from an injected `CardIO.EntropySource` in two draws, RND.IFD (8 bytes) then
/// K.IFD (16 bytes), so a recorded session (or Appendix D) replays byte for byte.
public enum BasicAccessControl {
    /// Runs BAC over `channel` (the eMRTD application already selected) and returns the secure channel.
    ///
    /// - Throws: ``SessionError/wrongPassword(step:)`` when the chip answers EXTERNAL AUTHENTICATE with `6300`
    ///   (the usual answer to a wrong MRZ key); ``SessionError/chipAuthenticationFailed(step:reason:)`` when the
    ///   chip's cryptogram does not verify or does not echo the nonces.
    public static func establish(over channel: CardChannel, key: MRZKey,
                                 entropy: EntropySource) throws(SessionError) -> SecureMessagingChannel {
        let seed = key.bacSeed
        let kEnc = KeyDerivation.derive(sharedSecret: seed, purpose: .encryption, cipher: .tripleDES)
        let kMAC = KeyDerivation.derive(sharedSecret: seed, purpose: .mac, cipher: .tripleDES)

        // GET CHALLENGE: RND.IC.
        let challenge = try exchange(channel, .getChallenge(length: 8),
                                     step: .getChallenge)
        guard challenge.isSuccess else { throw .cardRefused(step: .getChallenge, status: challenge.statusWord) }
        guard challenge.data.count == 8 else {
            throw .malformedResponse(step: .getChallenge, reason: "\(challenge.data.count) bytes, expected 8")
        }
        let rndIC = challenge.data

        let rndIFD = try draw(entropy, 8, step: .externalAuthenticate)
        let kIFD = try draw(entropy, 16, step: .externalAuthenticate)

        let eIFD: [UInt8]
        let mIFD: [UInt8]
        do {
            eIFD = try BlockCipher.encrypt(rndIFD + rndIC + kIFD, key: kEnc, family: .tripleDES,
                                           mode: .cbcZeroIV(.tripleDES))
            mIFD = try RetailMAC.mac(key: kMAC, message: eIFD)
        } catch {
            throw .crypto(error, step: .externalAuthenticate)
        }
        let answer = try exchange(channel, .externalAuthenticate(eIFD + mIFD, expectedLength: 40), step: .externalAuthenticate)
        if answer.statusWord == .authenticationFailed { throw .wrongPassword(step: .externalAuthenticate) }
        guard answer.isSuccess else { throw .cardRefused(step: .externalAuthenticate, status: answer.statusWord) }
        guard answer.data.count == 40 else {
            throw .malformedResponse(step: .externalAuthenticate, reason: "\(answer.data.count) bytes, expected 40")
        }
        let eIC = Array(answer.data[0..<32])
        let mIC = Array(answer.data[32..<40])
        let r: [UInt8]
        do {
            guard constantTimeEqual(try RetailMAC.mac(key: kMAC, message: eIC), mIC) else {
                throw SessionError.chipAuthenticationFailed(step: .externalAuthenticate, reason: .cryptogramMAC)
            }
            r = try BlockCipher.decrypt(eIC, key: kEnc, family: .tripleDES, mode: .cbcZeroIV(.tripleDES))
        } catch let error as SessionError {
            throw error
        } catch let error as CryptoError {
            throw .crypto(error, step: .externalAuthenticate)
        } catch {
            throw .malformedResponse(step: .externalAuthenticate, reason: "unexpected failure")
        }
        // R = RND.IC ‖ RND.IFD ‖ K.IC: the chip must echo both nonces.
        guard constantTimeEqual(Array(r[0..<8]), rndIC), constantTimeEqual(Array(r[8..<16]), rndIFD) else {
            throw .chipAuthenticationFailed(step: .externalAuthenticate, reason: .noncesNotEchoed)
        }
        let kIC = Array(r[16..<32])
        let sessionSeed = zip(kIFD, kIC).map { $0 ^ $1 }
        let keys = SecureMessagingKeys(sharedSecret: sessionSeed, cipher: .tripleDES)
        // §9.8.2: SSC = the four least significant bytes of RND.IC ‖ those of RND.IFD.
        let counter = SendSequenceCounter(Array(rndIC[4..<8]) + Array(rndIFD[4..<8]))
        return SecureMessagingChannel(base: channel, keys: keys, counter: counter)
    }
}

/// One command, its failure typed: a secure messaging channel reports its own ``SessionError`` (a MAC that does
/// not verify stays a ``SecureMessagingFailure``), any other channel its ``ChannelError`` at `step`.
func exchange(_ channel: CardChannel, _ command: CommandAPDU, step: SessionStep) throws(SessionError) -> ResponseAPDU {
    if let secure = channel as? SecureMessagingChannel {
        do {
            return try secure.send(command)
        } catch {
            if case .channel(let underlying, .secureMessaging) = error { throw .channel(underlying, step: step) }
            throw error
        }
    }
    do {
        return try channel.transmit(command)
    } catch {
        throw .channel(error, step: step)
    }
}

func draw(_ entropy: EntropySource, _ count: Int, step: SessionStep) throws(SessionError) -> [UInt8] {
    do {
        return try entropy.draw(count)
    } catch {
        throw .entropy(error, step: step)
    }
}
