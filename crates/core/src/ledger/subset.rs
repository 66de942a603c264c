//! Which open invoices one transfer pays: the set whose open balances add
//! up to exactly its amount, when there is one and only one.

/// What a search for invoices adding up to an amount found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subset {
    /// Exactly one set adds up: the positions of its members, ascending.
    One(Vec<usize>),
    /// No set adds up.
    None,
    /// Several sets add up (or too many to tell): a person must choose.
    Ambiguous,
}

/// Most branches tried before a search gives up as ambiguous.
const BUDGET: u32 = 1 << 20;

/// Finds the one set of `amounts` (positive, in minor units) adding up to
/// exactly `target`. The caller bounds how many candidates it offers.
pub fn exact_subset(amounts: &[i64], target: i64) -> Subset {
    if target <= 0 || amounts.iter().any(|&a| a <= 0) {
        return Subset::None;
    }
    // What the amounts from each position on add up to, to prune branches
    // that cannot reach the target.
    let mut rest = vec![0_i64; amounts.len() + 1];
    for i in (0..amounts.len()).rev() {
        rest[i] = rest[i + 1].saturating_add(amounts[i]);
    }
    let mut search = Search {
        amounts,
        rest: &rest,
        chosen: Vec::new(),
        found: Vec::new(),
        branches: 0,
    };
    search.walk(0, target);
    if search.branches >= BUDGET || search.found.len() > 1 {
        return Subset::Ambiguous;
    }
    search.found.pop().map_or(Subset::None, Subset::One)
}

struct Search<'a> {
    amounts: &'a [i64],
    rest: &'a [i64],
    chosen: Vec<usize>,
    found: Vec<Vec<usize>>,
    branches: u32,
}

impl Search<'_> {
    /// Tries the amounts from `at` on for what is still `needed`; stops at
    /// the second set found or when the budget is spent.
    fn walk(&mut self, at: usize, needed: i64) {
        if needed == 0 {
            self.found.push(self.chosen.clone());
            return;
        }
        if at >= self.amounts.len() || self.rest[at] < needed {
            return;
        }
        self.branches += 1;
        if self.found.len() > 1 || self.branches >= BUDGET {
            return;
        }
        if self.amounts[at] <= needed {
            self.chosen.push(at);
            self.walk(at + 1, needed - self.amounts[at]);
            self.chosen.pop();
        }
        self.walk(at + 1, needed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_invoice_or_a_set_of_them_is_found() {
        assert_eq!(exact_subset(&[100, 250, 40], 250), Subset::One(vec![1]));
        assert_eq!(exact_subset(&[100, 250, 40], 140), Subset::One(vec![0, 2]));
        assert_eq!(
            exact_subset(&[100, 250, 40], 390),
            Subset::One(vec![0, 1, 2])
        );
    }

    #[test]
    fn no_set_or_several_sets_are_told_apart() {
        assert_eq!(exact_subset(&[100, 250, 40], 141), Subset::None);
        assert_eq!(exact_subset(&[100, 250, 40], 0), Subset::None);
        assert_eq!(exact_subset(&[], 10), Subset::None);
        assert_eq!(exact_subset(&[100, 100], 100), Subset::Ambiguous);
        assert_eq!(exact_subset(&[30, 70, 60, 40], 100), Subset::Ambiguous);
    }

    #[test]
    fn twenty_candidates_are_searched_within_the_budget() {
        let amounts: Vec<i64> = (0..20).map(|i| 1_i64 << i).collect();
        let target = amounts[3] + amounts[7] + amounts[19];
        assert_eq!(exact_subset(&amounts, target), Subset::One(vec![3, 7, 19]));
        // Every set of twenty equal amounts is a different set.
        assert_eq!(exact_subset(&[5; 20], 50), Subset::Ambiguous);
    }
}
