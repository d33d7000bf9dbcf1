/* SPDX-License-Identifier: MIT */
/* p9.h: the 9P2000.L message codec shared by the dom0 9pfs backend and the guest client (guest lib, host-testable). */
#ifndef GUEST_LIB_P9_H
#define GUEST_LIB_P9_H

#include <stddef.h>
#include <stdint.h>

/*
 * Every 9P message is size[4] type[1] tag[2] body, little-endian, where
 * size counts the whole message.  Strings are len[2] bytes (no NUL on the
 * wire; this codec refuses a NUL inside one), qids are type[1] version[4]
 * path[8].  See docs/VOLUMES.md for the messages and their fields.
 *
 * p9_decode() is strict: the size field must equal the bytes given and
 * be within the negotiated msize, every field must fit, and nothing may
 * follow the last field.  Decoded strings and data point into the
 * caller's buffer (not NUL-terminated), so the buffer must outlive the
 * struct p9_msg.  p9_encode() computes the size first and writes nothing
 * if the message does not fit the buffer or msize.
 */

#define P9_HDR_LEN 7u
/* Bytes of Rread/Twrite framing around the data (size type tag fid offset count). */
#define P9_IOHDR_LEN 24u
#define P9_MSIZE_MIN 4096u
#define P9_MSIZE_MAX (1u << 20)
#define P9_MAXWELEM 16u
#define P9_NOTAG 0xffffu
#define P9_NOFID 0xffffffffu
#define P9_VERSION_L "9P2000.L"
#define P9_QID_LEN 13u

enum p9_type {
	P9_TLERROR = 6, /* never sent; its number is reserved */
	P9_RLERROR = 7,
	P9_TSTATFS = 8,
	P9_RSTATFS = 9,
	P9_TLOPEN = 12,
	P9_RLOPEN = 13,
	P9_TLCREATE = 14,
	P9_RLCREATE = 15,
	P9_TSYMLINK = 16,
	P9_RSYMLINK = 17,
	P9_TREADLINK = 22,
	P9_RREADLINK = 23,
	P9_TGETATTR = 24,
	P9_RGETATTR = 25,
	P9_TSETATTR = 26,
	P9_RSETATTR = 27,
	P9_TREADDIR = 40,
	P9_RREADDIR = 41,
	P9_TFSYNC = 50,
	P9_RFSYNC = 51,
	P9_TLOCK = 52,
	P9_RLOCK = 53,
	P9_TGETLOCK = 54,
	P9_RGETLOCK = 55,
	P9_TLINK = 70,
	P9_RLINK = 71,
	P9_TMKDIR = 72,
	P9_RMKDIR = 73,
	P9_TRENAMEAT = 74,
	P9_RRENAMEAT = 75,
	P9_TUNLINKAT = 76,
	P9_RUNLINKAT = 77,
	P9_TVERSION = 100,
	P9_RVERSION = 101,
	P9_TATTACH = 104,
	P9_RATTACH = 105,
	P9_TFLUSH = 108,
	P9_RFLUSH = 109,
	P9_TWALK = 110,
	P9_RWALK = 111,
	P9_TREAD = 116,
	P9_RREAD = 117,
	P9_TWRITE = 118,
	P9_RWRITE = 119,
	P9_TCLUNK = 120,
	P9_RCLUNK = 121,
};

/* qid.type bits */
#define P9_QTDIR 0x80u
#define P9_QTSYMLINK 0x02u
#define P9_QTFILE 0x00u

/* Tgetattr request_mask / Rgetattr valid */
#define P9_GETATTR_MODE 0x001ull
#define P9_GETATTR_NLINK 0x002ull
#define P9_GETATTR_UID 0x004ull
#define P9_GETATTR_GID 0x008ull
#define P9_GETATTR_RDEV 0x010ull
#define P9_GETATTR_ATIME 0x020ull
#define P9_GETATTR_MTIME 0x040ull
#define P9_GETATTR_CTIME 0x080ull
#define P9_GETATTR_INO 0x100ull
#define P9_GETATTR_SIZE 0x200ull
#define P9_GETATTR_BLOCKS 0x400ull
#define P9_GETATTR_BASIC 0x7ffull

/* Tsetattr valid */
#define P9_SETATTR_MODE 0x001u
#define P9_SETATTR_UID 0x002u
#define P9_SETATTR_GID 0x004u
#define P9_SETATTR_SIZE 0x008u
#define P9_SETATTR_ATIME 0x010u
#define P9_SETATTR_MTIME 0x020u
#define P9_SETATTR_CTIME 0x040u
#define P9_SETATTR_ATIME_SET 0x080u
#define P9_SETATTR_MTIME_SET 0x100u

/* Tlock/Tgetlock */
#define P9_LOCK_TYPE_RDLCK 0u
#define P9_LOCK_TYPE_WRLCK 1u
#define P9_LOCK_TYPE_UNLCK 2u
#define P9_LOCK_FLAGS_BLOCK 1u
#define P9_LOCK_FLAGS_RECLAIM 2u
#define P9_LOCK_SUCCESS 0u
#define P9_LOCK_BLOCKED 1u
#define P9_LOCK_ERROR 2u
#define P9_LOCK_GRACE 3u

/* Tunlinkat flags (Linux's AT_REMOVEDIR) */
#define P9_AT_REMOVEDIR 0x200u

struct p9_str {
	const char *s; /* into the message buffer; not NUL-terminated */
	uint16_t len;
};

struct p9_data {
	const void *p;
	uint32_t len;
};

struct p9_qid {
	uint8_t type;
	uint32_t version;
	uint64_t path;
};

struct p9_version {
	uint32_t msize;
	struct p9_str version;
};
struct p9_tattach {
	uint32_t fid, afid;
	struct p9_str uname, aname;
	uint32_t n_uname;
};
struct p9_rqid { /* Rattach, Rsymlink, Rmkdir */
	struct p9_qid qid;
};
struct p9_fid { /* Tclunk, Tstatfs, Treadlink */
	uint32_t fid;
};
struct p9_twalk {
	uint32_t fid, newfid;
	uint16_t nwname;
	struct p9_str wname[P9_MAXWELEM];
};
struct p9_rwalk {
	uint16_t nwqid;
	struct p9_qid wqid[P9_MAXWELEM];
};
struct p9_tlopen {
	uint32_t fid, flags;
};
struct p9_ropen { /* Rlopen, Rlcreate */
	struct p9_qid qid;
	uint32_t iounit;
};
struct p9_tlcreate {
	uint32_t fid;
	struct p9_str name;
	uint32_t flags, mode, gid;
};
struct p9_tsymlink {
	uint32_t fid;
	struct p9_str name, symtgt;
	uint32_t gid;
};
struct p9_tio { /* Tread, Treaddir (data unused), Twrite */
	uint32_t fid;
	uint64_t offset;
	uint32_t count; /* Tread/Treaddir only: Twrite's count is data.len */
	struct p9_data data;
};
struct p9_rdata { /* Rread, Rreaddir */
	struct p9_data data;
};
struct p9_count { /* Rwrite */
	uint32_t count;
};
struct p9_rreadlink {
	struct p9_str target;
};
struct p9_tgetattr {
	uint32_t fid;
	uint64_t request_mask;
};
struct p9_rgetattr {
	uint64_t valid;
	struct p9_qid qid;
	uint32_t mode, uid, gid;
	uint64_t nlink, rdev, size, blksize, blocks;
	uint64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec;
	uint64_t ctime_sec, ctime_nsec, btime_sec, btime_nsec;
	uint64_t gen, data_version;
};
struct p9_tsetattr {
	uint32_t fid, valid, mode, uid, gid;
	uint64_t size, atime_sec, atime_nsec, mtime_sec, mtime_nsec;
};
struct p9_rstatfs {
	uint32_t type, bsize;
	uint64_t blocks, bfree, bavail, files, ffree, fsid;
	uint32_t namelen;
};
struct p9_tmkdir {
	uint32_t dfid;
	struct p9_str name;
	uint32_t mode, gid;
};
struct p9_tunlinkat {
	uint32_t dirfid;
	struct p9_str name;
	uint32_t flags;
};
struct p9_trenameat {
	uint32_t olddirfid;
	struct p9_str oldname;
	uint32_t newdirfid;
	struct p9_str newname;
};
struct p9_tlink {
	uint32_t dfid, fid;
	struct p9_str name;
};
struct p9_tfsync {
	uint32_t fid, datasync;
};
struct p9_tlock {
	uint32_t fid;
	uint8_t type;
	uint32_t flags;
	uint64_t start, length;
	uint32_t proc_id;
	struct p9_str client_id;
};
struct p9_getlock { /* Tgetlock (with fid) and Rgetlock (fid unused) */
	uint32_t fid;
	uint8_t type;
	uint64_t start, length;
	uint32_t proc_id;
	struct p9_str client_id;
};
struct p9_rlock {
	uint8_t status;
};
struct p9_tflush {
	uint16_t oldtag;
};
struct p9_rlerror {
	uint32_t ecode;
};

struct p9_msg {
	uint8_t type;
	uint16_t tag;
	union {
		struct p9_version version; /* T/Rversion */
		struct p9_tattach tattach;
		struct p9_rqid rqid; /* Rattach, Rsymlink, Rmkdir */
		struct p9_fid fid; /* Tclunk, Tstatfs, Treadlink */
		struct p9_twalk twalk;
		struct p9_rwalk rwalk;
		struct p9_tlopen tlopen;
		struct p9_ropen ropen; /* Rlopen, Rlcreate */
		struct p9_tlcreate tlcreate;
		struct p9_tsymlink tsymlink;
		struct p9_tio tio; /* Tread, Treaddir, Twrite */
		struct p9_rdata rdata; /* Rread, Rreaddir */
		struct p9_count count; /* Rwrite */
		struct p9_rreadlink rreadlink;
		struct p9_tgetattr tgetattr;
		struct p9_rgetattr rgetattr;
		struct p9_tsetattr tsetattr;
		struct p9_rstatfs rstatfs;
		struct p9_tmkdir tmkdir;
		struct p9_tunlinkat tunlinkat;
		struct p9_trenameat trenameat;
		struct p9_tlink tlink;
		struct p9_tfsync tfsync;
		struct p9_tlock tlock;
		struct p9_getlock getlock; /* Tgetlock, Rgetlock */
		struct p9_rlock rlock;
		struct p9_tflush tflush;
		struct p9_rlerror rlerror;
	} u;
};

/* One entry of Rreaddir's data: qid[13] offset[8] type[1] name[s]. */
struct p9_dirent {
	struct p9_qid qid;
	uint64_t offset; /* where the next Treaddir starts to get the entry after this one */
	uint8_t type; /* Linux DT_* */
	struct p9_str name;
};

/* Little-endian accessors (unaligned). */
static inline uint16_t p9_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t p9_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}
static inline void p9_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static inline void p9_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Whether the codec knows type (a T or R message listed above). */
int p9_known_type(uint8_t type);
/* A printable name of type ("Twalk"), "unknown" for others. */
const char *p9_type_name(uint8_t type);

/*
 * The message size from the first 4 bytes of a stream (have >= 4): 0 and
 * *size_r, or -EMSGSIZE if it is below the 7-byte header or above msize.
 * Transports frame the ring's byte stream with this.
 */
int p9_frame_size(const uint8_t *buf, uint32_t msize, uint32_t *size_r);

/*
 * Decode buf[0..len) (one whole message). On any failure m->type and
 * m->tag are set if the header was readable (len >= 7), so a server can
 * answer Rlerror with the right tag. Returns 0, -EMSGSIZE (size field is
 * not len, or is above msize), -EOPNOTSUPP (a type the codec does not
 * know), -EPROTO (a field does not fit, bytes left over, a count above its
 * bound, a NUL inside a string).
 */
int p9_decode(const uint8_t *buf, size_t len, uint32_t msize, struct p9_msg *m);

/*
 * Encode m into buf (cap bytes). Returns the message length, -EMSGSIZE
 * if it exceeds cap or msize, -EINVAL for an unknown type or a count above
 * its bound (nwname, nwqid > P9_MAXWELEM).
 */
int p9_encode(const struct p9_msg *m, uint8_t *buf, size_t cap, uint32_t msize);

/* Bytes one dirent with a name of namelen takes in Rreaddir's data. */
static inline uint32_t p9_dirent_len(uint16_t namelen)
{
	return P9_QID_LEN + 8u + 1u + 2u + namelen;
}
/* Append d at buf[*pos] (cap bytes in all); -ENOSPC if it does not fit. */
int p9_dirent_put(uint8_t *buf, uint32_t cap, uint32_t *pos,
		  const struct p9_dirent *d);
/* Read the entry at data[*pos]: 1 and *d (name points into data), 0 at the
 * end, -EPROTO for a truncated entry or a name with NUL or '/'. */
int p9_dirent_next(const uint8_t *data, uint32_t len, uint32_t *pos,
		   struct p9_dirent *d);

#endif
