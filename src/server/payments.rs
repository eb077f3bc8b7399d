//! Paying fees online. The portal talks to a payment provider through
//! [`PaymentGateway`]; the built-in sandbox gateway has its own checkout page
//! (`/pay/sandbox/<reference>`) where the payer chooses whether the payment goes
//! through or fails, so the whole path can be tried and tested without a bank.
//! A real provider goes behind the same trait: its checkout address, its refund.

/// A payment provider.
pub trait PaymentGateway: Send + Sync + 'static {
    /// Where the payer is sent to pay the attempt `reference`.
    fn checkout_path(&self, reference: &str) -> String;
    /// Gives `amount_fen` of the paid attempt `reference` back.
    fn refund(&self, reference: &str, amount_fen: u32) -> Result<(), String>;
}

/// The built-in sandbox: pays, fails and refunds on request, moving no money.
pub struct SandboxGateway;

impl PaymentGateway for SandboxGateway {
    fn checkout_path(&self, reference: &str) -> String {
        format!("/pay/sandbox/{reference}")
    }

    fn refund(&self, reference: &str, amount_fen: u32) -> Result<(), String> {
        tracing::info!(%reference, amount = %crate::domain::fee::yuan(amount_fen), "sandbox refund");
        Ok(())
    }
}

/// The gateway in use. Only the sandbox exists so far; a provider's gateway would
/// be chosen here by the settings.
pub fn gateway() -> &'static dyn PaymentGateway {
    &SandboxGateway
}
