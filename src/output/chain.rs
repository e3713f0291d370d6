//! `chain.csv`: the chain from an internal team's service to the customer
//! for one change, a row per link:
//! `step,metric,label,base,variant,diff,diff_ci_low,diff_ci_high`, so
//! `orgsim report` can redraw `plots/chain.svg` without simulating.

use crate::experiment::chain::Link;

use super::format::{bytes, number, row, writer};

/// The columns of `chain.csv`.
pub const CHAIN_COLUMNS: [&str; 8] =
    ["step", "metric", "label", "base", "variant", "diff", "diff_ci_low", "diff_ci_high"];

/// `chain.csv` of `links`.
pub fn chain_csv(links: &[Link]) -> Vec<u8> {
    let mut out = writer();
    row(&mut out, &CHAIN_COLUMNS.map(String::from));
    for (step, link) in links.iter().enumerate() {
        let d = link.difference;
        row(
            &mut out,
            &[
                (step + 1).to_string(),
                link.metric.clone(),
                link.label.clone(),
                number(Some(link.base)),
                number(Some(link.variant)),
                number(d.map(|d| d.mean)),
                number(d.map(|d| d.low)),
                number(d.map(|d| d.high)),
            ],
        );
    }
    bytes(out)
}

/// The file stem of a chain: `chain`, or `chain-<variant>` where a
/// comparison has several variants (the name cut to letters, digits, `-`
/// and `_`).
fn chain_stem(variant: Option<&str>) -> String {
    match variant {
        None => "chain".into(),
        Some(name) => {
            let clean: String = name
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
                .take(60)
                .collect();
            format!("chain-{clean}")
        }
    }
}

/// The file stems of the chains of a comparison's variants, in order:
/// `chain` for one variant, `chain-<variant>` for several, a stem that two
/// names share made unique with `-2`.
pub fn chain_stems(variants: &[String]) -> Vec<String> {
    let several = variants.len() > 1;
    let mut stems: Vec<String> = Vec::with_capacity(variants.len());
    for variant in variants {
        let mut stem = chain_stem(several.then_some(variant.as_str()));
        while stems.contains(&stem) {
            stem.push_str("-2");
        }
        stems.push(stem);
    }
    stems
}
