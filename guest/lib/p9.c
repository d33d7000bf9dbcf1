/* SPDX-License-Identifier: MIT */
/* p9.c: table-driven, strict encoder and decoder of 9P2000.L messages (lib/p9.h); the dom0 backend and the guest share it. */
#include "lib/p9.h"

#include "kernel/errno.h"
#include "lib/string.h"

enum kind { K8, K16, K32, K64, KSTR, KQID, KDATA, KWNAMES, KWQIDS };

struct field {
	uint8_t kind;
	uint16_t off; /* offset in the union of struct p9_msg */
};

#define F(k, s, m)                                            \
	{                                                     \
		k, (uint16_t) __builtin_offsetof(struct s, m) \
	}

static const struct field f_version[] = { F(K32, p9_version, msize),
					  F(KSTR, p9_version, version) };
static const struct field f_tattach[] = { F(K32, p9_tattach, fid),
					  F(K32, p9_tattach, afid),
					  F(KSTR, p9_tattach, uname),
					  F(KSTR, p9_tattach, aname),
					  F(K32, p9_tattach, n_uname) };
static const struct field f_rqid[] = { F(KQID, p9_rqid, qid) };
static const struct field f_fid[] = { F(K32, p9_fid, fid) };
static const struct field f_twalk[] = { F(K32, p9_twalk, fid),
					F(K32, p9_twalk, newfid),
					F(KWNAMES, p9_twalk, nwname) };
static const struct field f_rwalk[] = { F(KWQIDS, p9_rwalk, nwqid) };
static const struct field f_tlopen[] = { F(K32, p9_tlopen, fid),
					 F(K32, p9_tlopen, flags) };
static const struct field f_ropen[] = { F(KQID, p9_ropen, qid),
					F(K32, p9_ropen, iounit) };
static const struct field f_tlcreate[] = { F(K32, p9_tlcreate, fid),
					   F(KSTR, p9_tlcreate, name),
					   F(K32, p9_tlcreate, flags),
					   F(K32, p9_tlcreate, mode),
					   F(K32, p9_tlcreate, gid) };
static const struct field f_tsymlink[] = { F(K32, p9_tsymlink, fid),
					   F(KSTR, p9_tsymlink, name),
					   F(KSTR, p9_tsymlink, symtgt),
					   F(K32, p9_tsymlink, gid) };
static const struct field f_tread[] = { F(K32, p9_tio, fid),
					F(K64, p9_tio, offset),
					F(K32, p9_tio, count) };
static const struct field f_twrite[] = { F(K32, p9_tio, fid),
					 F(K64, p9_tio, offset),
					 F(KDATA, p9_tio, data) };
static const struct field f_rdata[] = { F(KDATA, p9_rdata, data) };
static const struct field f_count[] = { F(K32, p9_count, count) };
static const struct field f_rreadlink[] = { F(KSTR, p9_rreadlink, target) };
static const struct field f_tgetattr[] = { F(K32, p9_tgetattr, fid),
					   F(K64, p9_tgetattr, request_mask) };
static const struct field f_rgetattr[] = {
	F(K64, p9_rgetattr, valid),	F(KQID, p9_rgetattr, qid),
	F(K32, p9_rgetattr, mode),	F(K32, p9_rgetattr, uid),
	F(K32, p9_rgetattr, gid),	F(K64, p9_rgetattr, nlink),
	F(K64, p9_rgetattr, rdev),	F(K64, p9_rgetattr, size),
	F(K64, p9_rgetattr, blksize),	F(K64, p9_rgetattr, blocks),
	F(K64, p9_rgetattr, atime_sec), F(K64, p9_rgetattr, atime_nsec),
	F(K64, p9_rgetattr, mtime_sec), F(K64, p9_rgetattr, mtime_nsec),
	F(K64, p9_rgetattr, ctime_sec), F(K64, p9_rgetattr, ctime_nsec),
	F(K64, p9_rgetattr, btime_sec), F(K64, p9_rgetattr, btime_nsec),
	F(K64, p9_rgetattr, gen),	F(K64, p9_rgetattr, data_version)
};
static const struct field f_tsetattr[] = {
	F(K32, p9_tsetattr, fid),	F(K32, p9_tsetattr, valid),
	F(K32, p9_tsetattr, mode),	F(K32, p9_tsetattr, uid),
	F(K32, p9_tsetattr, gid),	F(K64, p9_tsetattr, size),
	F(K64, p9_tsetattr, atime_sec), F(K64, p9_tsetattr, atime_nsec),
	F(K64, p9_tsetattr, mtime_sec), F(K64, p9_tsetattr, mtime_nsec)
};
static const struct field f_rstatfs[] = {
	F(K32, p9_rstatfs, type),   F(K32, p9_rstatfs, bsize),
	F(K64, p9_rstatfs, blocks), F(K64, p9_rstatfs, bfree),
	F(K64, p9_rstatfs, bavail), F(K64, p9_rstatfs, files),
	F(K64, p9_rstatfs, ffree),  F(K64, p9_rstatfs, fsid),
	F(K32, p9_rstatfs, namelen)
};
static const struct field f_tmkdir[] = { F(K32, p9_tmkdir, dfid),
					 F(KSTR, p9_tmkdir, name),
					 F(K32, p9_tmkdir, mode),
					 F(K32, p9_tmkdir, gid) };
static const struct field f_tunlinkat[] = { F(K32, p9_tunlinkat, dirfid),
					    F(KSTR, p9_tunlinkat, name),
					    F(K32, p9_tunlinkat, flags) };
static const struct field f_trenameat[] = { F(K32, p9_trenameat, olddirfid),
					    F(KSTR, p9_trenameat, oldname),
					    F(K32, p9_trenameat, newdirfid),
					    F(KSTR, p9_trenameat, newname) };
static const struct field f_tlink[] = { F(K32, p9_tlink, dfid),
					F(K32, p9_tlink, fid),
					F(KSTR, p9_tlink, name) };
static const struct field f_tfsync[] = { F(K32, p9_tfsync, fid),
					 F(K32, p9_tfsync, datasync) };
static const struct field f_tlock[] = {
	F(K32, p9_tlock, fid),	     F(K8, p9_tlock, type),
	F(K32, p9_tlock, flags),     F(K64, p9_tlock, start),
	F(K64, p9_tlock, length),    F(K32, p9_tlock, proc_id),
	F(KSTR, p9_tlock, client_id)
};
static const struct field f_tgetlock[] = {
	F(K32, p9_getlock, fid),     F(K8, p9_getlock, type),
	F(K64, p9_getlock, start),   F(K64, p9_getlock, length),
	F(K32, p9_getlock, proc_id), F(KSTR, p9_getlock, client_id)
};
static const struct field f_rgetlock[] = { F(K8, p9_getlock, type),
					   F(K64, p9_getlock, start),
					   F(K64, p9_getlock, length),
					   F(K32, p9_getlock, proc_id),
					   F(KSTR, p9_getlock, client_id) };
static const struct field f_rlock[] = { F(K8, p9_rlock, status) };
static const struct field f_tflush[] = { F(K16, p9_tflush, oldtag) };
static const struct field f_rlerror[] = { F(K32, p9_rlerror, ecode) };

struct layout {
	const char *name;
	const struct field *f;
	uint8_t n;
};

#define L(name, f)                                             \
	{                                                      \
		name, f, (uint8_t)(sizeof(f) / sizeof((f)[0])) \
	}
#define L0(name)           \
	{                  \
		name, 0, 0 \
	}

static const struct layout *layout_of(uint8_t type)
{
	static const struct layout t[] = {
		[P9_RLERROR] = L("Rlerror", f_rlerror),
		[P9_TSTATFS] = L("Tstatfs", f_fid),
		[P9_RSTATFS] = L("Rstatfs", f_rstatfs),
		[P9_TLOPEN] = L("Tlopen", f_tlopen),
		[P9_RLOPEN] = L("Rlopen", f_ropen),
		[P9_TLCREATE] = L("Tlcreate", f_tlcreate),
		[P9_RLCREATE] = L("Rlcreate", f_ropen),
		[P9_TSYMLINK] = L("Tsymlink", f_tsymlink),
		[P9_RSYMLINK] = L("Rsymlink", f_rqid),
		[P9_TREADLINK] = L("Treadlink", f_fid),
		[P9_RREADLINK] = L("Rreadlink", f_rreadlink),
		[P9_TGETATTR] = L("Tgetattr", f_tgetattr),
		[P9_RGETATTR] = L("Rgetattr", f_rgetattr),
		[P9_TSETATTR] = L("Tsetattr", f_tsetattr),
		[P9_RSETATTR] = L0("Rsetattr"),
		[P9_TREADDIR] = L("Treaddir", f_tread),
		[P9_RREADDIR] = L("Rreaddir", f_rdata),
		[P9_TFSYNC] = L("Tfsync", f_tfsync),
		[P9_RFSYNC] = L0("Rfsync"),
		[P9_TLOCK] = L("Tlock", f_tlock),
		[P9_RLOCK] = L("Rlock", f_rlock),
		[P9_TGETLOCK] = L("Tgetlock", f_tgetlock),
		[P9_RGETLOCK] = L("Rgetlock", f_rgetlock),
		[P9_TLINK] = L("Tlink", f_tlink),
		[P9_RLINK] = L0("Rlink"),
		[P9_TMKDIR] = L("Tmkdir", f_tmkdir),
		[P9_RMKDIR] = L("Rmkdir", f_rqid),
		[P9_TRENAMEAT] = L("Trenameat", f_trenameat),
		[P9_RRENAMEAT] = L0("Rrenameat"),
		[P9_TUNLINKAT] = L("Tunlinkat", f_tunlinkat),
		[P9_RUNLINKAT] = L0("Runlinkat"),
		[P9_TVERSION] = L("Tversion", f_version),
		[P9_RVERSION] = L("Rversion", f_version),
		[P9_TATTACH] = L("Tattach", f_tattach),
		[P9_RATTACH] = L("Rattach", f_rqid),
		[P9_TFLUSH] = L("Tflush", f_tflush),
		[P9_RFLUSH] = L0("Rflush"),
		[P9_TWALK] = L("Twalk", f_twalk),
		[P9_RWALK] = L("Rwalk", f_rwalk),
		[P9_TREAD] = L("Tread", f_tread),
		[P9_RREAD] = L("Rread", f_rdata),
		[P9_TWRITE] = L("Twrite", f_twrite),
		[P9_RWRITE] = L("Rwrite", f_count),
		[P9_TCLUNK] = L("Tclunk", f_fid),
		[P9_RCLUNK] = L0("Rclunk"),
	};

	if (type >= sizeof(t) / sizeof(t[0]) || !t[type].name)
		return 0;
	return &t[type];
}

int p9_known_type(uint8_t type)
{
	return layout_of(type) != 0;
}

const char *p9_type_name(uint8_t type)
{
	const struct layout *l = layout_of(type);

	return l ? l->name : "unknown";
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)p9_get32(p) | (uint64_t)p9_get32(p + 4) << 32;
}

static void put64(uint8_t *p, uint64_t v)
{
	p9_put32(p, (uint32_t)v);
	p9_put32(p + 4, (uint32_t)(v >> 32));
}

/* ---- decoding ---- */

struct rd {
	const uint8_t *p;
	size_t left;
};

static int rd_take(struct rd *r, size_t n, const uint8_t **out)
{
	if (r->left < n)
		return -EPROTO;
	*out = r->p;
	r->p += n;
	r->left -= n;
	return 0;
}

static int rd_str(struct rd *r, struct p9_str *s)
{
	const uint8_t *p;
	uint16_t len;

	if (rd_take(r, 2, &p))
		return -EPROTO;
	len = p9_get16(p);
	if (rd_take(r, len, &p) || memchr(p, 0, len))
		return -EPROTO;
	s->s = (const char *)p;
	s->len = len;
	return 0;
}

static int rd_qid(struct rd *r, struct p9_qid *q)
{
	const uint8_t *p;

	if (rd_take(r, P9_QID_LEN, &p))
		return -EPROTO;
	q->type = p[0];
	q->version = p9_get32(p + 1);
	q->path = get64(p + 5);
	return 0;
}

static int rd_field(struct rd *r, uint8_t kind, uint8_t *dst)
{
	const uint8_t *p;
	uint16_t n, i;

	switch (kind) {
	case K8:
		if (rd_take(r, 1, &p))
			return -EPROTO;
		*dst = p[0];
		return 0;
	case K16:
		if (rd_take(r, 2, &p))
			return -EPROTO;
		*(uint16_t *)(void *)dst = p9_get16(p);
		return 0;
	case K32:
		if (rd_take(r, 4, &p))
			return -EPROTO;
		*(uint32_t *)(void *)dst = p9_get32(p);
		return 0;
	case K64:
		if (rd_take(r, 8, &p))
			return -EPROTO;
		*(uint64_t *)(void *)dst = get64(p);
		return 0;
	case KSTR:
		return rd_str(r, (struct p9_str *)(void *)dst);
	case KQID:
		return rd_qid(r, (struct p9_qid *)(void *)dst);
	case KDATA: {
		struct p9_data *d = (struct p9_data *)(void *)dst;
		uint32_t len;

		if (rd_take(r, 4, &p))
			return -EPROTO;
		len = p9_get32(p);
		if (rd_take(r, len, &p))
			return -EPROTO;
		d->p = p;
		d->len = len;
		return 0;
	}
	case KWNAMES: {
		struct p9_twalk *w =
			(struct p9_twalk *)(void *)(dst -
						    __builtin_offsetof(
							    struct p9_twalk,
							    nwname));

		if (rd_take(r, 2, &p))
			return -EPROTO;
		n = p9_get16(p);
		if (n > P9_MAXWELEM)
			return -EPROTO;
		w->nwname = n;
		for (i = 0; i < n; i++)
			if (rd_str(r, &w->wname[i]))
				return -EPROTO;
		return 0;
	}
	case KWQIDS: {
		struct p9_rwalk *w = (struct p9_rwalk *)(void *)dst;

		if (rd_take(r, 2, &p))
			return -EPROTO;
		n = p9_get16(p);
		if (n > P9_MAXWELEM)
			return -EPROTO;
		w->nwqid = n;
		for (i = 0; i < n; i++)
			if (rd_qid(r, &w->wqid[i]))
				return -EPROTO;
		return 0;
	}
	}
	return -EPROTO;
}

int p9_frame_size(const uint8_t *buf, uint32_t msize, uint32_t *size_r)
{
	uint32_t size = p9_get32(buf);

	if (size < P9_HDR_LEN || size > msize)
		return -EMSGSIZE;
	*size_r = size;
	return 0;
}

int p9_decode(const uint8_t *buf, size_t len, uint32_t msize, struct p9_msg *m)
{
	const struct layout *l;
	struct rd r;
	unsigned i;
	int rc;

	memset(m, 0, sizeof(*m));
	if (len < P9_HDR_LEN)
		return -EMSGSIZE;
	m->type = buf[4];
	m->tag = p9_get16(buf + 5);
	if (p9_get32(buf) != len || len > msize)
		return -EMSGSIZE;
	l = layout_of(m->type);
	if (!l)
		return -EOPNOTSUPP;
	r.p = buf + P9_HDR_LEN;
	r.left = len - P9_HDR_LEN;
	for (i = 0; i < l->n; i++) {
		rc = rd_field(&r, l->f[i].kind, (uint8_t *)&m->u + l->f[i].off);
		if (rc)
			return rc;
	}
	if (r.left)
		return -EPROTO;
	/* Twrite's count is its data length; keep the field consistent. */
	if (m->type == P9_TWRITE)
		m->u.tio.count = m->u.tio.data.len;
	return 0;
}

/* ---- encoding ---- */

static size_t field_len(uint8_t kind, const uint8_t *src)
{
	const struct p9_twalk *w;
	size_t n;
	uint16_t i;

	switch (kind) {
	case K8:
		return 1;
	case K16:
		return 2;
	case K32:
		return 4;
	case K64:
		return 8;
	case KSTR:
		return 2 +
		       (size_t)((const struct p9_str *)(const void *)src)->len;
	case KQID:
		return P9_QID_LEN;
	case KDATA:
		return 4 +
		       (size_t)((const struct p9_data *)(const void *)src)->len;
	case KWNAMES:
		w = (const struct p9_twalk
			     *)(const void *)(src -
					      __builtin_offsetof(
						      struct p9_twalk, nwname));
		if (w->nwname > P9_MAXWELEM)
			return (size_t)-1;
		n = 2;
		for (i = 0; i < w->nwname; i++)
			n += 2 + (size_t)w->wname[i].len;
		return n;
	case KWQIDS:
		if (((const struct p9_rwalk *)(const void *)src)->nwqid >
		    P9_MAXWELEM)
			return (size_t)-1;
		return 2 + (size_t)P9_QID_LEN *
				   ((const struct p9_rwalk *)(const void *)src)
					   ->nwqid;
	}
	return (size_t)-1;
}

static uint8_t *wr_str(uint8_t *p, const struct p9_str *s)
{
	p9_put16(p, s->len);
	if (s->len)
		memcpy(p + 2, s->s, s->len);
	return p + 2 + s->len;
}

static uint8_t *wr_qid(uint8_t *p, const struct p9_qid *q)
{
	p[0] = q->type;
	p9_put32(p + 1, q->version);
	put64(p + 5, q->path);
	return p + P9_QID_LEN;
}

static uint8_t *wr_field(uint8_t *p, uint8_t kind, const uint8_t *src)
{
	uint16_t i;

	switch (kind) {
	case K8:
		*p = *src;
		return p + 1;
	case K16:
		p9_put16(p, *(const uint16_t *)(const void *)src);
		return p + 2;
	case K32:
		p9_put32(p, *(const uint32_t *)(const void *)src);
		return p + 4;
	case K64:
		put64(p, *(const uint64_t *)(const void *)src);
		return p + 8;
	case KSTR:
		return wr_str(p, (const struct p9_str *)(const void *)src);
	case KQID:
		return wr_qid(p, (const struct p9_qid *)(const void *)src);
	case KDATA: {
		const struct p9_data *d =
			(const struct p9_data *)(const void *)src;

		p9_put32(p, d->len);
		/* A server may have read the data in place already. */
		if (d->len && d->p != p + 4)
			memmove(p + 4, d->p, d->len);
		return p + 4 + d->len;
	}
	case KWNAMES: {
		const struct p9_twalk *w =
			(const struct p9_twalk
				 *)(const void *)(src - __builtin_offsetof(
								struct p9_twalk,
								nwname));

		p9_put16(p, w->nwname);
		p += 2;
		for (i = 0; i < w->nwname; i++)
			p = wr_str(p, &w->wname[i]);
		return p;
	}
	case KWQIDS: {
		const struct p9_rwalk *w =
			(const struct p9_rwalk *)(const void *)src;

		p9_put16(p, w->nwqid);
		p += 2;
		for (i = 0; i < w->nwqid; i++)
			p = wr_qid(p, &w->wqid[i]);
		return p;
	}
	}
	return p;
}

int p9_encode(const struct p9_msg *m, uint8_t *buf, size_t cap, uint32_t msize)
{
	const struct layout *l = layout_of(m->type);
	const uint8_t *base = (const uint8_t *)&m->u;
	size_t size = P9_HDR_LEN, n;
	uint8_t *p;
	unsigned i;

	if (!l)
		return -EINVAL;
	for (i = 0; i < l->n; i++) {
		n = field_len(l->f[i].kind, base + l->f[i].off);
		if (n == (size_t)-1)
			return -EINVAL;
		size += n;
		if (size > P9_MSIZE_MAX)
			return -EMSGSIZE;
	}
	if (size > cap || size > msize)
		return -EMSGSIZE;
	p9_put32(buf, (uint32_t)size);
	buf[4] = m->type;
	p9_put16(buf + 5, m->tag);
	p = buf + P9_HDR_LEN;
	for (i = 0; i < l->n; i++)
		p = wr_field(p, l->f[i].kind, base + l->f[i].off);
	return (int)size;
}

/* ---- Rreaddir entries ---- */

int p9_dirent_put(uint8_t *buf, uint32_t cap, uint32_t *pos,
		  const struct p9_dirent *d)
{
	uint32_t need = p9_dirent_len(d->name.len);
	uint8_t *p;

	if (*pos > cap || cap - *pos < need)
		return -ENOSPC;
	p = wr_qid(buf + *pos, &d->qid);
	put64(p, d->offset);
	p[8] = d->type;
	wr_str(p + 9, &d->name);
	*pos += need;
	return 0;
}

int p9_dirent_next(const uint8_t *data, uint32_t len, uint32_t *pos,
		   struct p9_dirent *d)
{
	struct rd r;
	const uint8_t *p;

	if (*pos >= len)
		return 0;
	r.p = data + *pos;
	r.left = len - *pos;
	if (rd_qid(&r, &d->qid) || rd_take(&r, 9, &p))
		return -EPROTO;
	d->offset = get64(p);
	d->type = p[8];
	if (rd_str(&r, &d->name) || !d->name.len ||
	    memchr(d->name.s, '/', d->name.len))
		return -EPROTO;
	*pos = len - (uint32_t)r.left;
	return 1;
}
