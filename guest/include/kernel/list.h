/* SPDX-License-Identifier: MIT */
/* list.h: intrusive circular doubly linked lists: O(1) unlink of any member, no hand-written searches. */
#ifndef GUEST_KERNEL_LIST_H
#define GUEST_KERNEL_LIST_H

#include <stdbool.h>
#include <stddef.h>

/* A list head, or the link inside a member. An empty head points at
 * itself; an unlinked member's link too (list_del re-initialises it). */
struct list_node {
	struct list_node *next, *prev;
};

#define LIST_INIT(name)          \
	{                        \
		&(name), &(name) \
	}

static inline void list_init(struct list_node *n)
{
	n->next = n->prev = n;
}

static inline bool list_empty(const struct list_node *head)
{
	return head->next == head;
}

/* Inserts n between prev and next. */
static inline void list_insert(struct list_node *n, struct list_node *prev,
			       struct list_node *next)
{
	n->prev = prev;
	n->next = next;
	prev->next = n;
	next->prev = n;
}

static inline void list_add_head(struct list_node *head, struct list_node *n)
{
	list_insert(n, head, head->next);
}

static inline void list_add_tail(struct list_node *head, struct list_node *n)
{
	list_insert(n, head->prev, head);
}

/* Inserts n just before pos (pos may be the head: the tail). */
static inline void list_add_before(struct list_node *pos, struct list_node *n)
{
	list_insert(n, pos->prev, pos);
}

/* Unlinks n (a no-op on an unlinked, initialised node). */
static inline void list_del(struct list_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	list_init(n);
}

static inline bool list_linked(const struct list_node *n)
{
	return n->next != n;
}

#define list_entry(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))

/* The first member, or NULL if the list is empty. */
#define list_first(head, type, member) \
	(list_empty(head) ? NULL : list_entry((head)->next, type, member))

/* The member after pos, or NULL at the end. */
#define list_next(head, pos, member)    \
	((pos)->member.next == (head) ? \
		 NULL :                 \
		 list_entry((pos)->member.next, __typeof__(*(pos)), member))

#define list_for_each(pos, head, member)                               \
	for (pos = list_entry((head)->next, __typeof__(*pos), member); \
	     &pos->member != (head);                                   \
	     pos = list_entry(pos->member.next, __typeof__(*pos), member))

/* The same, with pos allowed to be unlinked and freed in the body. */
#define list_for_each_safe(pos, tmp, head, member)                        \
	for (pos = list_entry((head)->next, __typeof__(*pos), member),    \
	    tmp = list_entry(pos->member.next, __typeof__(*pos), member); \
	     &pos->member != (head); pos = tmp,                           \
	    tmp = list_entry(tmp->member.next, __typeof__(*tmp), member))

#endif
