//! A generational slab: records that come and go (user actions, polling
//! browsers) live in one vector and are addressed by a [`Key`] that holds
//! the slot's generation, so an event about a record that has since ended,
//! and whose slot was reused, finds nothing instead of the wrong record.

/// Address of a record: slot index and the generation it was stored with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    index: u32,
    generation: u32,
}

impl Key {
    /// The slot index (for tests and debugging).
    pub fn index(self) -> u32 {
        self.index
    }
}

#[derive(Clone, Debug)]
struct Slot<T> {
    generation: u32,
    value: Option<T>,
}

/// Records addressed by generational keys; freed slots are reused, newest
/// freed first.
#[derive(Clone, Debug)]
pub struct Slab<T> {
    slots: Vec<Slot<T>>,
    free: Vec<u32>,
    len: usize,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Slab<T> {
    /// Stores `value`; returns its key.
    pub fn insert(&mut self, value: T) -> Key {
        self.len += 1;
        match self.free.pop() {
            Some(index) => {
                let slot = &mut self.slots[index as usize];
                slot.generation = slot.generation.wrapping_add(1);
                slot.value = Some(value);
                Key {
                    index,
                    generation: slot.generation,
                }
            }
            None => {
                let index = self.slots.len() as u32;
                self.slots.push(Slot {
                    generation: 0,
                    value: Some(value),
                });
                Key {
                    index,
                    generation: 0,
                }
            }
        }
    }

    /// The record at `key`, if it is still stored.
    pub fn get(&self, key: Key) -> Option<&T> {
        self.slots
            .get(key.index as usize)
            .filter(|s| s.generation == key.generation)
            .and_then(|s| s.value.as_ref())
    }

    /// The record at `key`, mutable, if it is still stored.
    pub fn get_mut(&mut self, key: Key) -> Option<&mut T> {
        self.slots
            .get_mut(key.index as usize)
            .filter(|s| s.generation == key.generation)
            .and_then(|s| s.value.as_mut())
    }

    /// Removes the record at `key`; its slot is free for reuse.
    pub fn remove(&mut self, key: Key) -> Option<T> {
        let slot = self
            .slots
            .get_mut(key.index as usize)
            .filter(|s| s.generation == key.generation)?;
        let value = slot.value.take()?;
        self.free.push(key.index);
        self.len -= 1;
        Some(value)
    }

    /// The key of the record stored at slot `index` now, if any. For
    /// holders that know their record outlives them (a queued job's
    /// polling record is freed only after the job finishes), so they need
    /// not carry the generation.
    pub fn key_at(&self, index: u32) -> Option<Key> {
        let slot = self.slots.get(index as usize)?;
        slot.value.as_ref().map(|_| Key {
            index,
            generation: slot.generation,
        })
    }

    /// Records stored.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no record is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Slots allocated (stored + free): what the slab holds in memory.
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// Every stored record, in slot order.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.slots.iter().filter_map(|s| s.value.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_key_finds_nothing_after_reuse() {
        let mut s = Slab::default();
        let a = s.insert("a");
        assert_eq!(s.get(a), Some(&"a"));
        assert_eq!(s.remove(a), Some("a"));
        assert_eq!(s.get(a), None);
        assert_eq!(s.remove(a), None, "removing twice does nothing");
        let b = s.insert("b");
        assert_eq!(a.index(), b.index(), "the slot is reused");
        assert_eq!(s.get(a), None, "the old key does not see the new record");
        assert_eq!(s.get(b), Some(&"b"));
        assert_eq!((s.len(), s.capacity()), (1, 1));
        *s.get_mut(b).expect("stored") = "c";
        assert_eq!(s.values().collect::<Vec<_>>(), vec![&"c"]);
    }
}
