//! How finished work travels: the receiver checks each deliverable (and may
//! send it back for rework), a customer's case ends in an experience, an
//! internal reply goes up to its requester, and a requester whose replies
//! are all back finishes, follows up, or goes on waiting.

use super::social::{churn_probability, rework_probability, satisfaction};
use rand::RngExt;

use super::work::Stage;
use super::{Observer, Simulation};
use crate::scenario::NeedMode;

impl<O: Observer> Simulation<'_, '_, O> {
    /// A customer's experience ended with `satisfaction`: it always enters
    /// the time series; the tallies count it when the customer arrived after
    /// the warm-up (`counted`).
    pub(super) fn record_experience(&mut self, satisfaction: f64, counted: bool) {
        self.interval_satisfaction.0 += satisfaction;
        self.interval_satisfaction.1 += 1;
        if !counted {
            return;
        }
        let behavior = &self.scenario.behavior;
        let churn = churn_probability(behavior, satisfaction);
        self.external.experiences += 1;
        self.external.satisfaction_sum += satisfaction;
        self.external.churn_sum += churn;
        self.external.revenue_at_risk += churn * self.scenario.customers.value;
    }

    /// The receiver of work `id` checks it: `true` when it is sent back for
    /// rework (then it is already queued again where it was made, to be
    /// redone with the same inputs and no new requests).
    pub(super) fn sent_back(&mut self, id: u32, quality: f64, attitude: f64) -> bool {
        let work = self.works[id as usize];
        let behavior = &self.scenario.behavior;
        let u: f64 = if work.is_case() {
            self.customer_social_stream.random()
        } else {
            let requester = self.works[work.parent as usize].department as usize;
            self.stations[requester].social_stream.random()
        };
        let rejected = u < rework_probability(behavior, quality);
        if work.created >= self.warmup {
            let tally = &mut self.stations[work.department as usize].tally;
            tally.deliveries += 1;
            tally.quality_given_sum += quality;
            if rejected {
                tally.reworked += 1;
            }
        }
        if rejected {
            self.trace("rework", id, Some(quality), Some(attitude));
            let work = &mut self.works[id as usize];
            work.repeats += 1;
            work.followup = false;
            work.redo = true;
            self.enqueue(id);
        }
        rejected
    }

    /// Quality and attitude of what `work` delivers at its department
    /// (social layer).
    #[inline]
    fn delivered(&self, id: u32) -> Option<(f64, f64)> {
        self.social.as_ref().map(|social| {
            let work = &self.works[id as usize];
            let mood = &social.moods[self.server_of(id)];
            let inputs = (work.inputs > 0).then(|| work.input_quality_sum / f64::from(work.inputs));
            (mood.output_quality(&self.scenario.behavior, inputs), mood.morale)
        })
    }

    /// Work `id` is finished: record it, reply to its requester, and go on
    /// up the chain while requesters finish in turn.
    pub(super) fn complete(&mut self, mut id: u32) {
        loop {
            if self.moves_on[self.works[id as usize].department as usize] && self.transfer(id) {
                return;
            }
            let now = self.now;
            let work = self.works[id as usize];
            let department = work.department as usize;
            let counted = work.created >= self.warmup;
            let behavior = &self.scenario.behavior;
            let delivered = self.delivered(id);
            if work.is_case() {
                if let Some((quality, attitude)) = delivered {
                    if self.sent_back(id, quality, attitude) {
                        return;
                    }
                    let resolution = now - work.created;
                    let felt = satisfaction(
                        behavior,
                        resolution,
                        self.scenario.customers.expected_resolution,
                        quality,
                        attitude,
                    );
                    let felt = (felt - behavior.repeat_penalty * f64::from(work.repeats)).max(0.0);
                    // The experience moves the front line's morale whenever
                    // it happens; the warm-up decides only what is counted.
                    self.record_experience(felt, counted);
                    if counted {
                        self.external.quality_sum += quality;
                        if work.repeats > 0 {
                            self.external.reworked += 1;
                        }
                    }
                    let mood = &mut self.social.as_mut().expect("social layer").moods[department];
                    mood.customer_sum += felt;
                    mood.customer_count += 1;
                }
                self.trace("complete", id, delivered.map(|d| d.0), delivered.map(|d| d.1));
                if counted {
                    self.stations[department].tally.completed += 1;
                    self.external.record_resolution(now - work.created);
                    self.external.cost_sum += work.cost;
                }
                self.release(id);
                return;
            }
            let parent_id = work.parent;
            if let Some((quality, attitude)) = delivered {
                let requester = self.works[parent_id as usize].department as usize;
                let need = &self.scenario.departments[requester].needs[work.need as usize];
                let perceived = quality * (1.0 - need.silo_quality_loss);
                if self.sent_back(id, perceived, attitude) {
                    return;
                }
                let felt = satisfaction(behavior, now - work.created, need.expected_delay, perceived, attitude);
                if counted {
                    self.stations[department].tally.satisfaction_given_sum += felt;
                    let tally = &mut self.stations[requester].tally;
                    tally.replies_received += 1;
                    tally.satisfaction_received_sum += felt;
                    self.internal.satisfaction_sum += felt;
                    self.links[self.first_link[requester] + work.need as usize].satisfaction_sum += felt;
                }
                let mood = &mut self.social.as_mut().expect("social layer").moods[requester];
                mood.experience_sum += felt;
                mood.experience_count += 1;
                let parent = &mut self.works[parent_id as usize];
                parent.input_quality_sum += perceived;
                parent.inputs += 1;
            }
            self.trace("reply", id, delivered.map(|d| d.0), delivered.map(|d| d.1));
            if counted {
                let delay = now - work.created;
                let tally = &mut self.stations[department].tally;
                tally.completed += 1;
                tally.delay_given_sum += delay;
                tally.replies_given += 1;
                self.internal.replies += 1;
                self.internal.delay_sum += delay;
                let requester = self.works[parent_id as usize].department as usize;
                let link = &mut self.links[self.first_link[requester] + work.need as usize];
                link.replies += 1;
                link.delay_sum += delay;
                self.internal.cost_sum += work.cost;
            }
            self.release(id);
            let parent = &mut self.works[parent_id as usize];
            parent.outstanding -= 1;
            if work.sent_as == NeedMode::Hold {
                parent.hold_outstanding -= 1;
            }
            match parent.stage {
                Stage::Holding if parent.hold_outstanding == 0 => {
                    let (has_handoff, outstanding, holder) =
                        (parent.has_handoff, parent.outstanding, self.server_of(parent_id));
                    self.stations[holder].holding -= 1;
                    self.end_visit(parent_id, true);
                    if outstanding > 0 {
                        self.works[parent_id as usize].stage = Stage::Parked;
                    } else if has_handoff && self.has_followup(parent_id) {
                        self.start_followup(parent_id);
                    } else {
                        id = parent_id;
                        continue;
                    }
                }
                // The last handoff reply is back: a follow-up, or done at once.
                Stage::Parked if parent.outstanding == 0 => {
                    if self.has_followup(parent_id) {
                        self.start_followup(parent_id);
                    } else {
                        id = parent_id;
                        continue;
                    }
                }
                _ => {}
            }
            return;
        }
    }

    /// Whether work `id`'s department follows up on returned handoffs.
    pub(super) fn has_followup(&self, id: u32) -> bool {
        self.scenario.departments[self.works[id as usize].department as usize].followup.is_some()
    }

    pub(super) fn start_followup(&mut self, id: u32) {
        self.works[id as usize].followup = true;
        self.enqueue(id);
    }

    /// Work `id`, done at its department, may move on to one of the
    /// department's transfers: it then queues there, carrying what it
    /// delivered here (social layer) as an input; `false` when it is done
    /// here.
    #[inline(never)]
    fn transfer(&mut self, id: u32) -> bool {
        let work = self.works[id as usize];
        let department = work.department as usize;
        let delivered = self.delivered(id);
        let u: f64 = self.stations[department].transfers_stream.random();
        let spec = &self.scenario.departments[department];
        let Some(index) = spec.transfers.iter().position(|t| u < t.cumulative) else {
            return false;
        };
        let to = spec.transfers[index].to;
        if work.created >= self.warmup {
            self.links[self.first_link[department] + spec.needs.len() + index].requests += 1;
        }
        self.trace("transfer", id, delivered.map(|d| d.0), delivered.map(|d| d.1));
        let work = &mut self.works[id as usize];
        work.department = to as u32;
        work.followup = false;
        work.redo = false;
        work.outstanding = 0;
        work.hold_outstanding = 0;
        work.has_handoff = false;
        if work.is_case() {
            work.parent = super::work::MOVED_CASE;
        }
        if let Some((quality, _)) = delivered {
            work.input_quality_sum += quality;
            work.inputs += 1;
        }
        self.enqueue(id);
        true
    }
}
