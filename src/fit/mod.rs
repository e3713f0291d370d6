//! Reading a real organization's ticket log (the input side of `orgsim
//! fit`): [`timestamps`] finds each time column's format and turns its
//! values into instants, in a time zone, counting what daylight-saving
//! changes did to them; [`families`] fits the time spent at a team
//! (exponential, lognormal or gamma, by maximum likelihood and BIC).

pub mod families;
pub mod timestamps;
