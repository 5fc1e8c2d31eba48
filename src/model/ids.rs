//! Typed indices into a topology's tables, so that the index of a pool cannot be taken for the
//! index of a SQL instance: each indexes only its own table (`t.pools[pool]`,
//! `t.sql_instances[sql]`), and a table's ids come from [`Topology::pool_ids`] and its kin.
//!
//! [`Topology::pool_ids`]: super::Topology::pool_ids

/// An index into one table.
pub trait Id: Copy {
    /// The id of row `index`.
    fn new(index: usize) -> Self;
    /// The row it names.
    fn index(self) -> usize;
}

/// The ids of a table of `len` rows, in order.
pub fn all<I: Id>(len: usize) -> impl DoubleEndedIterator<Item = I> + Clone {
    (0..len).map(I::new)
}

/// The rows of a table with their ids, in order.
pub fn enumerate<I: Id, T>(rows: &[T]) -> impl DoubleEndedIterator<Item = (I, &T)> + Clone {
    rows.iter().enumerate().map(|(i, row)| (I::new(i), row))
}

/// Declares an id type and lets it index its table (a `Vec` or a slice of `$row`).
macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident => $row:ty;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(usize);

        impl $name {
            /// The row it names.
            #[must_use]
            pub const fn index(self) -> usize {
                self.0
            }
        }

        impl $crate::model::ids::Id for $name {
            fn new(index: usize) -> Self {
                Self(index)
            }
            fn index(self) -> usize {
                self.0
            }
        }

        impl std::ops::Index<$name> for [$row] {
            type Output = $row;
            fn index(&self, id: $name) -> &$row {
                &self[id.0]
            }
        }

        impl std::ops::IndexMut<$name> for [$row] {
            fn index_mut(&mut self, id: $name) -> &mut $row {
                &mut self[id.0]
            }
        }

        impl std::ops::Index<$name> for Vec<$row> {
            type Output = $row;
            fn index(&self, id: $name) -> &$row {
                &self[id.0]
            }
        }

        impl std::ops::IndexMut<$name> for Vec<$row> {
            fn index_mut(&mut self, id: $name) -> &mut $row {
                &mut self[id.0]
            }
        }
    )*};
}
pub(crate) use ids;
