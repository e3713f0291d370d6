//! A case's path through the teams. Consecutive events at one team are one
//! stretch; a change of team either sends the case on (a transfer) or, when
//! the case later comes straight back to the team that passed it on, was a
//! request of that team (a need), and the team's visit goes on after the
//! return. Each visit keeps the time the case spent at its own team (its
//! stretches, not the time away at a need) and, where the log says when
//! work started and completed, the work time, the wait before work began
//! and the span a server was taken.

use super::log::{Case, Event, Lifecycle, Outcome};

/// How a visit began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// The case's first team.
    Entry,
    /// Passed on by visit `from`, for good.
    Transfer(usize),
    /// Asked for by visit `from`, which got the case back.
    Need(usize),
}

/// One visit of a case at a team.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    /// The team.
    pub team: u32,
    /// How it began.
    pub arrival: Arrival,
    /// When it began.
    pub start: f64,
    /// Time the case spent at this team during the visit.
    pub own_time: f64,
    /// Time between a `start` and its `complete` at this team, where the
    /// log has them.
    pub work: Option<f64>,
    /// From the visit's start to its first `start`.
    pub wait: Option<f64>,
    /// From its first `start` to its last `complete` (a server taken).
    pub busy: Option<(f64, f64)>,
}

/// A case as a sequence of visits.
#[derive(Debug, Clone, PartialEq)]
pub struct Trail {
    /// When it was opened.
    pub opened: f64,
    /// When it was resolved; `None` when still open (or abandoned).
    pub resolved: Option<f64>,
    /// How it ended.
    pub outcome: Outcome,
    /// Its visits in order.
    pub visits: Vec<Visit>,
    /// Team changes.
    pub handoffs: u32,
    /// When a customer who gave up did so.
    pub withdrawn: Option<f64>,
    /// Whether the first visit was added: the case began at a team that is
    /// not front line (`fit --front-line`), so it is counted as passed on
    /// by the front line at its opening.
    pub entered_elsewhere: bool,
}

/// A run of events at one team.
struct Stretch<'a> {
    team: u32,
    start: f64,
    end: f64,
    events: &'a [Event],
}

/// The trail of `case`; `None` when no event names a team.
pub fn trail(case: &Case) -> Option<Trail> {
    let events = kept_events(case);
    let last = events.last()?;
    let close = case.resolved.unwrap_or(last.time).max(last.time);
    let mut stretches: Vec<Stretch> = Vec::new();
    let mut begin = 0;
    for i in 1..=events.len() {
        if i == events.len() || events[i].team != events[begin].team {
            let end = if i == events.len() { close } else { events[i].time };
            // The first team held the case from its opening.
            let start = if begin == 0 { case.opened.min(events[0].time) } else { events[begin].time };
            stretches.push(Stretch { team: events[begin].team.unwrap_or(0), start, end, events: &events[begin..i] });
            begin = i;
        }
    }
    let resolved = match case.outcome {
        Outcome::Resolved => Some(close),
        Outcome::Abandoned | Outcome::Open => None,
    };
    Some(Trail {
        opened: case.opened,
        resolved,
        outcome: case.outcome,
        handoffs: stretches.len() as u32 - 1,
        visits: visits_of(&stretches),
        withdrawn: events.iter().find(|e| e.lifecycle == Lifecycle::Withdraw).map(|e| e.time),
        entered_elsewhere: false,
    })
}

/// The events that count: none after the resolved time, and each with a
/// team (a row without one stays with the team before it; leading rows
/// without one are dropped).
fn kept_events(case: &Case) -> Vec<Event> {
    let mut events: Vec<Event> = Vec::with_capacity(case.events.len());
    let mut current = None;
    for event in &case.events {
        if case.resolved.is_some_and(|r| event.time > r) {
            break;
        }
        current = event.team.or(current);
        if let Some(team) = current {
            events.push(Event { team: Some(team), ..*event });
        }
    }
    events
}

/// Stretches → visits: a stretch back at the team below the current one
/// is a return (the visit away was a need), any other starts a visit.
fn visits_of(stretches: &[Stretch]) -> Vec<Visit> {
    let mut visits: Vec<Visit> = Vec::new();
    // Visits that may still get the case back, innermost last.
    let mut holders: Vec<usize> = Vec::new();
    // Per visit: since when work is under way at the end of its last
    // stretch, if it is.
    let mut working: Vec<Option<f64>> = Vec::new();
    for stretch in stretches {
        let returns = holders.len() >= 2 && visits[holders[holders.len() - 2]].team == stretch.team;
        let index = if returns {
            let away = holders.pop().unwrap_or_default();
            if let Arrival::Transfer(from) = visits[away].arrival {
                visits[away].arrival = Arrival::Need(from);
            }
            *holders.last().unwrap_or(&0)
        } else {
            let arrival = holders.last().map_or(Arrival::Entry, |&from| Arrival::Transfer(from));
            visits.push(Visit {
                team: stretch.team,
                arrival,
                start: stretch.start,
                own_time: 0.0,
                work: None,
                wait: None,
                busy: None,
            });
            working.push(None);
            holders.push(visits.len() - 1);
            visits.len() - 1
        };
        working[index] = add_stretch(&mut visits[index], stretch, working[index]);
    }
    visits
}

/// Adds a stretch's time and work to its visit; returns since when work
/// is still under way at its end. A start opens work, a complete closes
/// it; work open when the case leaves goes on when it returns.
fn add_stretch(visit: &mut Visit, stretch: &Stretch, working: Option<f64>) -> Option<f64> {
    visit.own_time += stretch.end - stretch.start;
    let mut open = working.map(|_| stretch.start);
    for event in stretch.events {
        match event.lifecycle {
            Lifecycle::Start => {
                if visit.wait.is_none() {
                    visit.wait = Some(event.time - visit.start);
                }
                let busy = visit.busy.get_or_insert((event.time, event.time));
                busy.1 = busy.1.max(event.time);
                open = open.or(Some(event.time));
            }
            Lifecycle::Complete => {
                if let Some(since) = open.take() {
                    *visit.work.get_or_insert(0.0) += event.time - since;
                }
                if let Some(busy) = visit.busy.as_mut() {
                    busy.1 = busy.1.max(event.time);
                }
            }
            Lifecycle::Withdraw | Lifecycle::Other => {}
        }
    }
    if let Some(since) = open {
        *visit.work.get_or_insert(0.0) += stretch.end - since;
    }
    open
}

impl Trail {
    /// The first visit the log shows (not one added by [`Trail::enter_at`]).
    pub fn first_visit(&self) -> &Visit {
        &self.visits[usize::from(self.entered_elsewhere)]
    }

    /// Makes the case begin at `front`: unless it already does, a visit of
    /// no time there opens it and passes it on to its first team.
    pub fn enter_at(&mut self, front: u32) {
        if self.visits[0].team == front {
            return;
        }
        for visit in &mut self.visits {
            visit.arrival = match visit.arrival {
                Arrival::Entry => Arrival::Transfer(0),
                Arrival::Transfer(from) => Arrival::Transfer(from + 1),
                Arrival::Need(from) => Arrival::Need(from + 1),
            };
        }
        let opening = Visit {
            team: front,
            arrival: Arrival::Entry,
            start: self.opened,
            own_time: 0.0,
            work: None,
            wait: None,
            busy: None,
        };
        self.visits.insert(0, opening);
        self.handoffs += 1;
        self.entered_elsewhere = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(steps: &[(f64, u32, Lifecycle)], outcome: Outcome, resolved: Option<f64>) -> Case {
        Case {
            name: "c".into(),
            opened: steps[0].0,
            resolved,
            outcome,
            events: steps.iter().map(|&(time, team, lifecycle)| Event { time, team: Some(team), lifecycle }).collect(),
        }
    }

    #[test]
    fn a_return_to_the_team_that_passed_the_case_on_is_a_need() {
        use Lifecycle::*;
        // 0 works 0–2, asks 1 (waits 2–3, works 3–5), gets it back, then
        // passes it to 2 for good.
        let steps = [
            (0.0, 0, Start),
            (2.0, 1, Other),
            (3.0, 1, Start),
            (5.0, 1, Complete),
            (5.0, 0, Complete),
            (5.0, 2, Start),
            (9.0, 2, Complete),
        ];
        let trail = trail(&case(&steps, Outcome::Resolved, None)).unwrap();
        let summary: Vec<(u32, Arrival, f64, Option<f64>)> =
            trail.visits.iter().map(|v| (v.team, v.arrival, v.own_time, v.work)).collect();
        assert_eq!(
            summary,
            [
                (0, Arrival::Entry, 2.0, Some(2.0)),
                (1, Arrival::Need(0), 3.0, Some(2.0)),
                (2, Arrival::Transfer(0), 4.0, Some(4.0)),
            ]
        );
        assert_eq!(trail.visits[1].wait, Some(1.0));
        assert_eq!(trail.visits[0].busy, Some((0.0, 5.0)));
        assert_eq!((trail.handoffs, trail.resolved), (3, Some(9.0)));
    }

    #[test]
    fn rows_after_the_resolved_time_are_ignored() {
        use Lifecycle::Other;
        let steps = [(0.0, 0, Other), (1.0, 0, Other), (4.0, 1, Other), (6.0, 1, Other), (30.0, 0, Other)];
        let trail = trail(&case(&steps, Outcome::Resolved, Some(10.0))).unwrap();
        let times: Vec<(u32, f64)> = trail.visits.iter().map(|v| (v.team, v.own_time)).collect();
        assert_eq!(times, [(0, 4.0), (1, 6.0)]);
        assert_eq!(trail.resolved, Some(10.0));
    }
}
