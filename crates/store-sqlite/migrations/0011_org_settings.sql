-- An organization's choices: whether a person's SMS and WhatsApp numbers are one contact.
ALTER TABLE orgs ADD COLUMN link_sms_and_whatsapp INTEGER NOT NULL DEFAULT 0;
